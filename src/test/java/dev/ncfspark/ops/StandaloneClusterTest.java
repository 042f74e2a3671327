package dev.ncfspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.pipeline.RunPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The pipeline on a real Spark standalone cluster (one master, two workers of one core, each
 * its own JVM, executors of 1 GiB in their own JVMs), submitted task by task with the
 * spark-submit arguments of the Airflow DAG (jobs/airflow/ncf_spark_dag.py) through jobs/submit.sh,
 * compared table by table with a local[2] run of the same experiment; then again with one
 * executor killed (kill -9) in the middle of a stage; then NeuMF trained by distributed training
 * (2 workers, one per executor JVM; Kryo, conf/spark-cluster-cpu.properties) with one executor
 * killed in the middle of a training epoch, against the same experiment on local[2].
 *
 * <p>Needs the application jar and the Spark classpath ({@code make package}); runs with {@code
 * make cluster-test} (-Dncf.clusterTest=true), not in {@code make test}: it takes several minutes.
 */
@EnabledIfSystemProperty(named = "ncf.clusterTest", matches = "true")
class StandaloneClusterTest {
  static final Path DIR = Path.of("target", "cluster-test").toAbsolutePath();
  static final List<String> COMPARED = List.of("ingest/interactions", "ingest/items", "ingest/users", "filter/interactions",
      "filter/rejected", "index/users", "index/items", "split/interactions", "negatives/eval", "negatives/train");
  private static Path experiment;
  private static Path ncfExperiment;
  private static Path reference;

  @BeforeAll
  static void experimentAndLocalReference() throws Exception {
    TestFiles.deleteRecursively(DIR);
    Files.createDirectories(DIR);
    experiment = DIR.resolve("experiment.conf");
    Files.writeString(experiment, String.join("\n",
        "dataset { format = movielens, path = \"" + SparkTestSession.sharedData("ml-100k").toAbsolutePath() + "\" }",
        "models { enabled = [most-pop, random, als], als { rank = 8, max-iter = 5 } }",
        "evaluation.full-ranking.users = 200",
        ""));
    ncfExperiment = DIR.resolve("experiment-ncf.conf");
    Files.writeString(ncfExperiment, String.join("\n",
        "dataset { format = movielens, path = \"" + SparkTestSession.sharedData("ml-100k").toAbsolutePath() + "\" }",
        "models { enabled = [neumf], ncf { epochs = 2, spark { training-master = distributed, workers = 2, merge-every-batches = 20, progress-every-batches = 20 } } }",
        ""));
    ExperimentConfig config = ExperimentConfigLoader.load(Optional.of(experiment), List.of("run.output=" + DIR.resolve("local")));
    RunPipeline.Outcome local = new RunPipeline(SparkTestSession.get(), config).run(new LinkedHashSet<>(RunPipeline.PREPARE), false);
    reference = Path.of(local.runPath().replace("file:", ""));
  }

  @Test
  void theDagsSubmissionsOnAClusterGiveTheLocalOutputs() throws Exception {
    Path run = runDag("20261126", experiment, null, null);
    assertSameTables(run);
    // evaluation and report ran on the cluster too
    assertTrue(Files.exists(run.resolve("evaluate/_SUCCESS")) && Files.exists(run.resolve("report/_SUCCESS")));
    Dataset<Row> metrics = SparkTestSession.get().read().parquet(run.resolve("metrics").toString());
    List<String> models = metrics.select("model").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertTrue(models.containsAll(List.of("most-pop", "random", "als")), models.toString());
  }

  @Test
  void anExecutorKilledInTheMiddleOfAStageChangesNothing() throws Exception {
    Path run = runDag("20261127", experiment, "negatives", "filter");
    assertSameTables(run);
  }

  @Test
  void anExecutorKilledInTheMiddleOfATrainingEpochGivesTheModelOfLocalTwoWorkers() throws Exception {
    Path run = runDag("20261128", ncfExperiment, "train", "train");
    assertSameTables(run);
    assertTrue(Files.size(run.resolve("train/neumf/model.zip")) > 10_000);
    List<Double> cluster = validationHr(run);
    assertEquals(2, cluster.size(), cluster.toString());
    assertEquals(943, SparkTestSession.get().read().parquet(run.resolve("train/neumf/user_embeddings").toString()).count());
    // the same experiment on local[2] with the same 2 workers
    ExperimentConfig config = ExperimentConfigLoader.load(Optional.of(ncfExperiment), List.of("run.output=" + DIR.resolve("local-ncf")));
    Set<String> stages = new LinkedHashSet<>(RunPipeline.PREPARE);
    stages.add("train");
    RunPipeline.Outcome local = new RunPipeline(SparkTestSession.get(), config).run(stages, false);
    List<Double> expected = validationHr(Path.of(local.runPath().replace("file:", "")));
    System.out.println("validation HR@10 by epoch: cluster with a killed executor " + cluster + ", local[2] " + expected);
    assertTrue(Math.abs(cluster.get(1) - expected.get(1)) <= 0.01, cluster + " against " + expected);
    assertTrue(expected.get(1) > 0.3, expected.toString());
  }

  @SuppressWarnings("unchecked")
  private static List<Double> validationHr(Path run) throws Exception {
    List<Double> out = new ArrayList<>();
    for (Object c : dev.ncfspark.io.Json.readList(Files.readString(run.resolve("train/curves.json")))) {
      out.add(((Number) ((Map<String, Object>) c).get("validation_hr")).doubleValue());
    }
    return out;
  }

  /**
   * Starts a cluster, submits the tasks of the DAG in order up to {@code lastTask} (null: all)
   * and returns the run folder; with {@code killDuring} (a task id), kills one executor JVM while
   * it runs a task of that stage (before the stage's {@code _SUCCESS} exists; for train, once
   * that executor has logged training progress, i.e. in the middle of DL4J's fit of an epoch).
   */
  static Path runDag(String date, Path experimentFile, String lastTask, String killDuring) throws Exception {
    Path dir = DIR.resolve(date);
    Path output = dir.resolve("runs");
    Map<String, String> values = Map.of("params.experiment_config", experimentFile.toString(), "params.output_root", output.toString(),
        "params.jar", "target/ncf-spark.jar", "params.spark_profile", "conf/spark-cluster-cpu.properties", "ds_nodash", date);
    AirflowDag dag = AirflowDag.load();
    List<String> ids = dag.tasks().stream().map(AirflowDag.Task::taskId).toList();
    assertTrue(lastTask == null || ids.contains(lastTask), lastTask + " is no task of " + ids);
    assertTrue(killDuring == null || ids.subList(0, lastTask == null ? ids.size() : ids.indexOf(lastTask) + 1).contains(killDuring),
        killDuring + " is not run");
    List<ProcessHandle> clusterProcesses;
    Path run = null;
    try (SparkStandaloneCluster cluster = SparkStandaloneCluster.start(dir.resolve("cluster"), 2, 1, "1200m")) {
      for (AirflowDag.Task task : dag.tasks()) {
        assertEquals("target/ncf-spark.jar", AirflowDag.render(task.application(), values), "jobs/submit.sh submits that jar");
        assertEquals("dev.ncfspark.cli.Main", task.javaClass());
        List<String> cmd = new ArrayList<>(List.of("bash", "jobs/submit.sh", "--master", cluster.masterUrl(),
            "--properties-file", AirflowDag.render(task.propertiesFile(), values)));
        task.conf().forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + AirflowDag.render(v, values))));
        // the small cluster's sizes over the profile's
        cmd.addAll(List.of("--conf", "spark.executor.memory=1g", "--conf", "spark.executor.memoryOverhead=384m", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
            "--conf", "spark.dynamicAllocation.enabled=false", "--conf", "spark.sql.shuffle.partitions=8",
            "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false"));
        cmd.add("--");
        cmd.addAll(AirflowDag.render(task.applicationArgs(), values));
        Instant start = Instant.now();
        try (ChildProcess driver = ChildProcess.start(task.taskId(), cmd,
            Map.of("NCF_LOCAL_SUBMIT", "1", "NCF_DRIVER_MEMORY", "1g", "SPARK_LOCAL_IP", "127.0.0.1"),
            Path.of("").toAbsolutePath(), dir.resolve("driver-" + task.taskId() + ".log"))) {
          if (task.taskId().equals(killDuring)) {
            killOneExecutorMidStage(cluster, driver, output, task.taskId());
          }
          Optional<Integer> code = driver.waitFor(Duration.ofMinutes(10));
          assertTrue(code.isPresent(), task.taskId() + " still running after 10 minutes: " + driver.logTail(4000));
          assertEquals(0, code.get(), driver.logTail(8000));
          String log = driver.log();
          assertTrue(log.contains("stage " + task.taskId() + ": "), driver.logTail(3000));
          String results = log.lines().filter(l -> l.startsWith("Results: ")).findFirst().orElseThrow(() -> new AssertionError(driver.logTail(3000)));
          run = Path.of(results.substring("Results: ".length()).replace("file:", ""));
          System.out.printf("cluster %s: task %s finished in %d s%n", date, task.taskId(), Duration.between(start, Instant.now()).toSeconds());
        }
        if (task.taskId().equals(lastTask)) {
          break;
        }
      }
      clusterProcesses = cluster.processes();
      assertFalse(clusterProcesses.isEmpty());
    }
    for (ProcessHandle p : clusterProcesses) {
      assertFalse(p.isAlive(), "cluster process still running: " + p.pid());
    }
    assertTrue(run.startsWith(output.resolve(date)) || run.startsWith(output), run.toString());
    assertTrue(run.toString().contains(date), "the run date is in the run folder: " + run);
    return run;
  }

  private static void killOneExecutorMidStage(SparkStandaloneCluster cluster, ChildProcess driver, Path output, String stage) throws Exception {
    Instant end = Instant.now().plus(Duration.ofMinutes(5));
    while (!driver.log().contains("stage " + stage + ": running")) {
      assertTrue(driver.isAlive() && Instant.now().isBefore(end), "stage " + stage + " never started: " + driver.logTail(4000));
      Thread.sleep(100);
    }
    // wait until an executor of this application is running a task of the stage (its log says so),
    // then kill it at once (SIGKILL). A short task may end between the look and the kill: the
    // driver then reports the lost executor without a lost task (ExecutorLostFailure), and the next
    // executor seen running a task is killed instead (the worker starts a new executor), up to 5
    // times. The log's path is kept from before the kill: a dead process has no command line.
    ProcessHandle victim = null;
    long executorsLost = occurrences(driver.log(), "Lost executor");
    long tasksLost = occurrences(driver.log(), "ExecutorLostFailure");
    for (int kills = 0; kills < 5; kills++) {
      victim = null;
      Path victimLog = null;
      while (victim == null) {
        assertTrue(driver.isAlive() && Instant.now().isBefore(end), "no executor ever ran a task of " + stage + ": " + driver.logTail(4000));
        for (ProcessHandle e : cluster.executors()) {
          Optional<Path> logFile = cluster.executorLogFile(e);
          String log = logFile.map(SparkStandaloneCluster::read).orElse("");
          if (SparkStandaloneCluster.runningTasks(log) > 0 && (!stage.equals("train") || log.contains("minibatches in this executor"))) {
            victim = e;
            victimLog = logFile.get();
            e.destroyForcibly();
            break;
          }
        }
        Thread.sleep(victim == null ? 20 : 0);
      }
      victim.onExit().get();
      long running = SparkStandaloneCluster.runningTasks(SparkStandaloneCluster.read(victimLog));
      // the executor's log may not yet say a task finished whose result the driver already has:
      // the driver's log decides whether a task was lost (it notices a dead executor within seconds)
      Instant noticed = Instant.now().plus(Duration.ofSeconds(60));
      while (occurrences(driver.log(), "Lost executor") <= executorsLost && driver.isAlive() && Instant.now().isBefore(noticed)) {
        Thread.sleep(100);
      }
      Thread.sleep(2000);
      executorsLost = occurrences(driver.log(), "Lost executor");
      long lostTasks = occurrences(driver.log(), "ExecutorLostFailure") - tasksLost;
      tasksLost += lostTasks;
      System.out.printf("killed executor pid %d during stage %s: %d task(s) running by its log, %d lost by the driver's%n", victim.pid(),
          stage, running, lostTasks);
      if (lostTasks > 0) {
        break;
      }
    }
    try (Stream<Path> markers = Files.walk(output)) {
      assertEquals(List.of(), markers.filter(p -> p.endsWith(Path.of(stage, "_SUCCESS"))).toList(),
          "the kill must come while " + stage + " is still running");
    }
    Optional<Integer> code = driver.waitFor(Duration.ofMinutes(10));
    assertEquals(Optional.of(0), code, driver.logTail(8000));
    String log = driver.log();
    assertTrue(log.contains("Lost executor"), "the driver saw the executor die: " + driver.logTail(8000));
    assertTrue(log.contains("ExecutorLostFailure"), "a task was lost with the executor and run again: " + driver.logTail(8000));
  }

  private static long occurrences(String text, String what) {
    long n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  /** Every preparation table of the cluster run equals the local[2] run's, row for row. */
  private static void assertSameTables(Path run) {
    SparkSession spark = SparkTestSession.get();
    for (String table : COMPARED) {
      Dataset<Row> expected = spark.read().parquet(reference.resolve(table).toString());
      Dataset<Row> actual = spark.read().parquet(run.resolve(table).toString());
      assertEquals(List.of(expected.columns()), List.of(actual.columns()), table);
      long n = expected.count();
      assertEquals(n, actual.count(), table);
      assertEquals(0, expected.exceptAll(actual).count(), table + ": rows of the local run missing on the cluster");
      assertEquals(0, actual.exceptAll(expected).count(), table + ": rows of the cluster run missing locally");
    }
    assertTrue(spark.read().parquet(run.resolve("negatives/train").toString()).count() > 100_000);
  }
}
