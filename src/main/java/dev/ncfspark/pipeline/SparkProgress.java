package dev.ncfspark.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Progress lines for a long step that runs Spark jobs (a preparation stage, the ALS grid): while
 * it is open, at most one line per interval with the running job's finished tasks against those
 * of its stages submitted so far, the task rate, an estimate of the time left for them and the
 * input rows read so far. Training prints its
 * own progress ({@code TrainingProgress}); this covers the Spark SQL work.
 */
final class SparkProgress extends SparkListener implements AutoCloseable {
  private final SparkContext sc;
  private final String label;
  private final long intervalNanos;
  private final Consumer<String> sink;
  /** Per running job: planned tasks, finished tasks, start (nanos). */
  private final Map<Integer, long[]> jobs = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final long start = System.nanoTime();
  private volatile long lastLine = System.nanoTime();
  private volatile long rowsRead;

  private SparkProgress(SparkContext sc, String label, long intervalMillis, Consumer<String> sink) {
    this.sc = sc;
    this.label = label;
    this.intervalNanos = intervalMillis * 1_000_000L;
    this.sink = sink;
  }

  /** Starts reporting on the driver's log, one line per {@code intervalMillis} at most. */
  static SparkProgress start(SparkContext sc, String label, long intervalMillis) {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SparkProgress.class);
    return start(sc, label, intervalMillis, log::info);
  }

  static SparkProgress start(SparkContext sc, String label, long intervalMillis, Consumer<String> sink) {
    SparkProgress p = new SparkProgress(sc, label, intervalMillis, sink);
    sc.addSparkListener(p);
    return p;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    scala.collection.Iterator<StageInfo> stages = jobStart.stageInfos().iterator();
    while (stages.hasNext()) {
      jobOfStage.put(stages.next().stageId(), jobStart.jobId());
    }
    jobs.put(jobStart.jobId(), new long[] {0, 0, System.nanoTime()});
  }

  /** Only the stages that run count: a stage whose shuffle output exists is skipped, never submitted. */
  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    Integer job = jobOfStage.get(submitted.stageInfo().stageId());
    long[] counts = job == null ? null : jobs.get(job);
    if (counts != null) {
      counts[0] += submitted.stageInfo().numTasks();
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskMetrics() != null) {
      rowsRead += taskEnd.taskMetrics().inputMetrics().recordsRead();
    }
    long now = System.nanoTime();
    Integer job = jobOfStage.get(taskEnd.stageId());
    long[] counts = job == null ? null : jobs.get(job);
    if (counts == null) {
      return;
    }
    counts[1]++;
    if (now - lastLine < intervalNanos) {
      return;
    }
    lastLine = now;
    double seconds = Math.max(1e-9, (now - counts[2]) / 1e9);
    double rate = counts[1] / seconds;
    long left = Math.max(0, counts[0] - counts[1]);
    sink.accept(String.format(Locale.ROOT, "%s: job %d: %d/%d tasks of its stages submitted so far, %.1f tasks/s, ETA %s, "
        + "%d input rows read, %.0f s in the step", label, job, counts[1], counts[0], rate,
        rate > 0 ? String.format(Locale.ROOT, "%.0f s", left / rate) : "?", rowsRead, (now - start) / 1e9));
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    jobs.remove(jobEnd.jobId());
    jobOfStage.values().removeIf(j -> j == jobEnd.jobId());
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
