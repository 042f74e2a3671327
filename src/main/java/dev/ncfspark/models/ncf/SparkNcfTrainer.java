package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.expr;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.evaluation.PerUserMetrics;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one NCF graph on Spark executors with DL4J, epoch by epoch: each epoch's examples are
 * the training positives plus that epoch's fresh negatives, turned into minibatches on the
 * executors and fitted by the configured TrainingMaster. After every epoch it measures the
 * training loss (binary cross-entropy on a fixed sample of the epoch's examples), validation
 * HR@K / NDCG@K (when validation candidates are given), throughput and time; keeps the best model
 * by validation HR@K; stops after {@code patience} epochs without improvement; and checkpoints,
 * so that a restarted job continues after the last completed epoch.
 */
public final class SparkNcfTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkNcfTrainer.class);
  /** Examples of each epoch on which the training loss is measured. */
  static final int LOSS_SAMPLE = 100_000;

  private final SparkSession spark;
  private final NcfConfig cfg;
  private final long seed;
  private final String exportDirectory;

  public SparkNcfTrainer(SparkSession spark, NcfConfig cfg, long seed, String exportDirectory) {
    this.spark = spark;
    this.cfg = cfg;
    this.seed = seed;
    this.exportDirectory = exportDirectory;
  }

  /** One epoch's measurements (the report's training curves). */
  public record Epoch(int epoch, long examples, double seconds, double samplesPerSecond, double loss, double validationHr,
      double validationNdcg) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("examples", examples);
      m.put("seconds", seconds);
      m.put("samples_per_second", samplesPerSecond);
      m.put("loss", loss);
      m.put("validation_hr", Double.isNaN(validationHr) ? null : validationHr);
      m.put("validation_ndcg", Double.isNaN(validationNdcg) ? null : validationNdcg);
      return m;
    }

    static Epoch fromMap(Map<String, Object> m) {
      return new Epoch(((Number) m.get("epoch")).intValue(), ((Number) m.get("examples")).longValue(), num(m.get("seconds")),
          num(m.get("samples_per_second")), num(m.get("loss")), num(m.get("validation_hr")), num(m.get("validation_ndcg")));
    }

    private static double num(Object o) {
      return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
  }

  /** The trained model (best epoch) and the history of the run. */
  public record Outcome(ComputationGraph model, int bestEpoch, List<Epoch> epochs, boolean stoppedEarly, int resumedAfterEpoch) {}

  /**
   * Trains {@code initial} (or continues from {@code checkpoints}). {@code positives}: training
   * (user_idx, item_idx); {@code negativesOfEpoch}: that epoch's (user_idx, item_idx) negatives;
   * {@code validation}: candidates from {@link SampledRankingEvaluator#candidates}, or null.
   */
  public Outcome train(String model, ComputationGraph initial, Dataset<Row> positives, IntFunction<Dataset<Row>> negativesOfEpoch,
      Dataset<Row> validation, int numUsers, int numItems, NcfCheckpoints checkpoints) {
    List<Epoch> epochs = new ArrayList<>();
    int start = 0;
    int bestEpoch = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    int stale = 0;
    ComputationGraph net = initial;
    ComputationGraph best = null;
    var saved = checkpoints.state();
    if (saved.isPresent()) {
      NcfCheckpoints.State s = saved.get();
      s.epochs().forEach(m -> epochs.add(Epoch.fromMap(m)));
      bestEpoch = s.bestEpoch();
      bestScore = s.bestScore();
      stale = s.epochsWithoutImprovement();
      if (s.finished()) {
        LOG.info("{}: already trained ({} epochs, best {}), loading it", model, s.epoch() + 1, s.bestEpoch());
        return new Outcome(checkpoints.best(), bestEpoch, epochs, s.epoch() + 1 < cfg.epochs(), s.epoch());
      }
      net = checkpoints.last();
      best = validation == null ? null : checkpoints.best();
      start = s.epoch() + 1;
      LOG.info("{}: resuming after epoch {} from {}", model, s.epoch(), "its checkpoint");
    }
    int resumedAfter = start - 1;
    int partitions = cfg.spark().partitions() > 0 ? cfg.spark().partitions() : spark.sparkContext().defaultParallelism();
    Dataset<Row> trainPositives = positives.select("user_idx", "item_idx").persist(StorageLevel.MEMORY_AND_DISK());
    SampledRankingEvaluator evaluator = new SampledRankingEvaluator(List.of(cfg.validationCutoff()));
    boolean stoppedEarly = false;
    try {
      for (int epoch = start; epoch < cfg.epochs(); epoch++) {
        Dataset<Row> negatives = negativesOfEpoch.apply(epoch);
        // shuffled once and kept: counted here, trained on, then sampled for the loss
        Dataset<Row> rows = NcfTrainingData.epoch(trainPositives, negatives, epoch, partitions, seed).persist(StorageLevel.MEMORY_AND_DISK());
        long examples = rows.count();
        long batches = (examples + cfg.batchSize() - 1) / cfg.batchSize();
        long t0 = System.nanoTime();
        if (cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.LOCAL) {
          fitInDriver(net, rows, new TrainingProgress(model + " epoch " + epoch, cfg.spark().progressEveryBatches(), batches));
        } else {
          TrainingMaster master = TrainingMasters.create(cfg, spark.sparkContext(), exportDirectory, seed + epoch);
          SparkComputationGraph sparkNet = new SparkComputationGraph(spark.sparkContext(), net, master);
          int executors = Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - (spark.sparkContext().isLocal() ? 0 : 1));
          sparkNet.setListeners(new TrainingProgress(model + " epoch " + epoch, cfg.spark().progressEveryBatches(), batches / executors));
          sparkNet.fitMultiDataSet(NcfBatches.of(rows, cfg.batchSize(), cfg.spark().ompThreads()));
          master.deleteTempFiles(spark.sparkContext());
          net = sparkNet.getNetwork();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        double loss;
        double hr = Double.NaN;
        double ndcg = Double.NaN;
        try (NcfScorer scorer = NcfScorer.of(spark, net, numUsers, numItems, cfg.scoringBatch(), cfg.spark().ompThreads())) {
          loss = loss(scorer, rows, examples);
          if (validation != null) {
            Row m = evaluator.evaluate(scorer, validation)
                .groupBy().pivot(PerUserMetrics.METRIC, List.of(SampledRankingEvaluator.HR, SampledRankingEvaluator.NDCG))
                .agg(avg(PerUserMetrics.VALUE)).first();
            hr = m.isNullAt(0) ? Double.NaN : m.getDouble(0);
            ndcg = m.isNullAt(1) ? Double.NaN : m.getDouble(1);
          }
        }
        rows.unpersist();
        Epoch e = new Epoch(epoch, examples, seconds, examples / seconds, loss, hr, ndcg);
        epochs.add(e);
        LOG.info(String.format(Locale.ROOT, "%s epoch %d: %d examples in %.1f s (%.0f samples/s), loss %.4f, validation HR@%d %.4f NDCG@%d %.4f",
            model, epoch, examples, seconds, e.samplesPerSecond(), loss, cfg.validationCutoff(), hr, cfg.validationCutoff(), ndcg));

        double score = validation == null ? -loss : hr;
        if (score > bestScore) {
          bestScore = score;
          bestEpoch = epoch;
          stale = 0;
          best = net.clone();
        } else {
          stale++;
        }
        boolean stop = cfg.patience() > 0 && validation != null && stale >= cfg.patience();
        boolean last = stop || epoch == cfg.epochs() - 1;
        checkpoints.save(net, best, new NcfCheckpoints.State(epoch, bestEpoch, bestScore, stale, last,
            epochs.stream().map(Epoch::toMap).toList()));
        if (stop) {
          LOG.info("{}: no better validation HR@{} for {} epochs, stopping after epoch {} (best: epoch {})", model,
              cfg.validationCutoff(), stale, epoch, bestEpoch);
          stoppedEarly = true;
          break;
        }
      }
    } finally {
      trainPositives.unpersist();
    }
    return new Outcome(best != null ? best : net, bestEpoch, epochs, stoppedEarly, resumedAfter);
  }

  /** The LOCAL master: the driver's graph fits the epoch's minibatches, streamed a partition at a time. */
  private void fitInDriver(ComputationGraph net, Dataset<Row> rows, TrainingProgress progress) {
    NativeThreads.limit(cfg.spark().ompThreads());
    net.setListeners(progress);
    Iterator<MultiDataSet> batches = NcfBatches.iterator(
        NcfBatches.typed(rows).toLocalIterator(),
        cfg.batchSize());
    while (batches.hasNext()) {
      net.fit(batches.next());
    }
    net.setListeners();
  }

  /** Mean binary cross-entropy of the model on a fixed sample (about LOSS_SAMPLE) of the epoch's examples. */
  private double loss(NcfScorer scorer, Dataset<Row> rows, long examples) {
    double fraction = Math.min(1.0, (double) LOSS_SAMPLE / Math.max(1, examples));
    Dataset<Row> sample = fraction < 1.0
        ? rows.where(expr("abs(xxhash64(" + seed + "L, 'loss', user_idx, item_idx) % 1000000) < " + Math.round(fraction * 1_000_000)))
        : rows;
    Row r = scorer.score(sample)
        .select(avg(expr("-(label * ln(greatest(score, 1e-7D)) + (1 - label) * ln(greatest(1 - score, 1e-7D)))"))).first();
    return r.isNullAt(0) ? Double.NaN : r.getDouble(0);
  }
}
