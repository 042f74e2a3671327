package dev.ncfspark.models.ncf;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J listener that runs inside each worker and logs one line every {@code every} minibatches:
 * the minibatches done in this JVM for the epoch, samples/s, and the ETA of the epoch from the
 * JVM's share of the minibatches. DL4J copies listeners to the workers for every averaging round,
 * so the counters live in this JVM, keyed by {@code key} (model and epoch).
 */
public final class TrainingProgress extends BaseTrainingListener implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TrainingProgress.class);
  private static final Map<String, long[]> COUNTERS = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> STARTS = new ConcurrentHashMap<>();

  private final String key;
  private final int every;
  private final long expectedBatchesPerJvm;

  /** {@code expectedBatchesPerJvm}: the epoch's minibatches divided by the executors (for the ETA). */
  public TrainingProgress(String key, int every, long expectedBatchesPerJvm) {
    this.key = key;
    this.every = every;
    this.expectedBatchesPerJvm = Math.max(1, expectedBatchesPerJvm);
    // made once per epoch in the driver (workers get copies): a key trained again in this JVM starts from zero
    COUNTERS.remove(key);
    STARTS.remove(key);
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    batchDone(model.batchSize());
  }

  /** Counts one minibatch of {@code size} examples done in this JVM; logs every {@code every}. */
  public void batchDone(int size) {
    if (every <= 0) {
      return;
    }
    long now = System.nanoTime();
    STARTS.computeIfAbsent(key, k -> new AtomicLong(now));
    long[] c = COUNTERS.computeIfAbsent(key, k -> new long[2]);
    long batches;
    long samples;
    synchronized (c) {
      c[0]++;
      c[1] += size;
      batches = c[0];
      samples = c[1];
    }
    if (batches % every == 0) {
      double seconds = Math.max(1e-9, (now - STARTS.get(key).get()) / 1e9);
      double rate = samples / seconds;
      double eta = (expectedBatchesPerJvm - batches) * (seconds / batches);
      LOG.info(String.format(Locale.ROOT, "%s: %d/%d minibatches in this executor, %.0f samples/s, epoch ETA %.0f s",
          key, batches, expectedBatchesPerJvm, rate, Math.max(0, eta)));
    }
  }
}
