package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.expr;

import dev.ncfspark.config.NcfConfig;
import java.util.ArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one NCF model epoch by epoch: each epoch's examples are the training positives plus that
 * epoch's fresh negatives, shuffled by a seeded hash on the executors and fitted by the
 * configured {@link NcfEngine} (sparse embedding updates by default, DL4J's graph under DL4J's
 * Spark masters). After every epoch it measures the
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
   * What one model trains on. {@code initial}: the fresh (or pre-trained) graph; {@code positives}:
   * training (user_idx, item_idx); {@code negativesOfEpoch}: that epoch's (user_idx, item_idx)
   * negatives; {@code validation}: the per-epoch validation, or null (then the best epoch is the
   * one with the lowest training loss); {@code checkpoints}: where epochs are saved and resumed from.
   */
  public record Inputs(String model, ComputationGraph initial, Dataset<Row> positives, IntFunction<Dataset<Row>> negativesOfEpoch,
      NcfValidation validation, int numUsers, int numItems, NcfCheckpoints checkpoints) {}

  /** Early-stopping bookkeeping: the best epoch so far and how many epochs have not beaten it. */
  private static final class Progress {
    final List<Epoch> epochs = new ArrayList<>();
    int bestEpoch = -1;
    double bestScore = Double.NEGATIVE_INFINITY;
    int stale;
    ComputationGraph best;

    /** Records {@code score} of the epoch just trained; true when it is the best so far. */
    boolean record(int epoch, double score) {
      if (score > bestScore) {
        bestScore = score;
        bestEpoch = epoch;
        stale = 0;
        return true;
      }
      stale++;
      return false;
    }
  }

  /** Trains {@code in.initial()}, or continues from its checkpoints. */
  public Outcome train(Inputs in) {
    Progress p = new Progress();
    NcfEngine engine;
    int start = 0;
    var saved = in.checkpoints().state();
    if (saved.isPresent()) {
      NcfCheckpoints.State s = saved.get();
      s.epochs().forEach(m -> p.epochs.add(Epoch.fromMap(m)));
      p.bestEpoch = s.bestEpoch();
      p.bestScore = s.bestScore();
      p.stale = s.epochsWithoutImprovement();
      if (s.finished()) {
        LOG.info("{}: already trained ({} epochs, best {}), loading it", in.model(), s.epoch() + 1, s.bestEpoch());
        return new Outcome(in.checkpoints().best(), p.bestEpoch, p.epochs, s.epoch() + 1 < cfg.epochs(), s.epoch());
      }
      start = s.epoch() + 1;
      engine = NcfEngines.restore(spark, cfg, seed, exportDirectory, in.checkpoints().last(), start, in.checkpoints().lastPath());
      // the best epoch's model, with or without validation (without: the lowest training loss)
      p.best = p.bestEpoch >= 0 ? in.checkpoints().best() : null;
      LOG.info("{}: resuming after epoch {} from its checkpoint", in.model(), s.epoch());
    } else {
      engine = NcfEngines.create(spark, cfg, seed, exportDirectory, in.initial());
    }
    int resumedAfter = start - 1;
    int partitions = cfg.spark().partitions() > 0 ? cfg.spark().partitions() : spark.sparkContext().defaultParallelism();
    Dataset<Row> trainPositives = in.positives().select("user_idx", "item_idx").persist(StorageLevel.MEMORY_AND_DISK());
    boolean stoppedEarly = false;
    try {
      for (int epoch = start; epoch < cfg.epochs(); epoch++) {
        Epoch e = trainEpoch(in, engine, trainPositives, epoch, partitions);
        p.epochs.add(e);
        boolean improved = p.record(epoch, in.validation() == null ? -e.loss() : e.validationHr());
        if (improved) {
          p.best = engine.model().clone();
        }
        boolean stop = cfg.patience() > 0 && in.validation() != null && p.stale >= cfg.patience();
        boolean last = stop || epoch == cfg.epochs() - 1;
        in.checkpoints().save(engine.checkpoint(), p.best, new NcfCheckpoints.State(epoch, p.bestEpoch, p.bestScore, p.stale, last,
            p.epochs.stream().map(Epoch::toMap).toList()));
        if (stop) {
          LOG.info("{}: no better validation HR@{} for {} epochs, stopping after epoch {} (best: epoch {})", in.model(),
              cfg.validationCutoff(), p.stale, epoch, p.bestEpoch);
          stoppedEarly = true;
          break;
        }
      }
    } finally {
      trainPositives.unpersist();
    }
    return new Outcome(p.best != null ? p.best : engine.model(), p.bestEpoch, p.epochs, stoppedEarly, resumedAfter);
  }

  /** Trains one epoch on its fresh negatives, then measures loss and validation. */
  private Epoch trainEpoch(Inputs in, NcfEngine engine, Dataset<Row> trainPositives, int epoch, int partitions) {
    // shuffled once and kept: counted here, trained on, then sampled for the loss
    Dataset<Row> rows = NcfTrainingData.epoch(trainPositives, in.negativesOfEpoch().apply(epoch), epoch, partitions, seed)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long examples = rows.count();
      long batches = (examples + cfg.batchSize() - 1) / cfg.batchSize();
      long t0 = System.nanoTime();
      engine.fitEpoch(rows, new TrainingProgress(in.model() + " epoch " + epoch, cfg.spark().progressEveryBatches(),
          batches / workerJvms()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double loss;
      NcfValidation.Scores v = new NcfValidation.Scores(Double.NaN, Double.NaN);
      try (NcfScorer scorer = NcfScorer.of(spark, engine.model(), in.numUsers(), in.numItems(), cfg.scoringBatch(),
          cfg.spark().ompThreads())) {
        loss = loss(scorer, rows, examples);
        if (in.validation() != null) {
          v = in.validation().evaluate(scorer);
        }
      }
      Epoch e = new Epoch(epoch, examples, seconds, examples / seconds, loss, v.hr(), v.ndcg());
      LOG.info(String.format(Locale.ROOT, "%s epoch %d: %d examples in %.1f s (%.0f samples/s), loss %.4f, validation HR@%d %.4f NDCG@%d %.4f",
          in.model(), epoch, examples, seconds, e.samplesPerSecond(), loss, cfg.validationCutoff(), v.hr(), cfg.validationCutoff(), v.ndcg()));
      return e;
    } finally {
      rows.unpersist();
    }
  }

  /** The engine a configuration trains with: "sparse" or "graph" (for manifests and reports). */
  public static String engineName(NcfConfig cfg) {
    return cfg.sparseEngine() ? "sparse" : "graph";
  }

  /** JVMs that fit minibatches: the executors under a DL4J master, the driver alone otherwise. */
  private int workerJvms() {
    if (cfg.sparseEngine() || cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.LOCAL) {
      return 1;
    }
    return Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - (spark.sparkContext().isLocal() ? 0 : 1));
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
