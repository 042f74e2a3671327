package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
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
    this.cfg = TrainingMasters.resolve(cfg, spark.sparkContext());
    this.seed = seed;
    this.exportDirectory = exportDirectory;
  }

  /**
   * One epoch's measurements (the report's training curves): {@code seconds} of fitting (hence
   * {@code samplesPerSecond}), {@code examplesSeconds} to make the epoch's examples, {@code
   * epochSeconds} for all of it with the loss and the validation.
   */
  public record Epoch(int epoch, long examples, double seconds, double samplesPerSecond, double loss, double validationHr,
      double validationNdcg, double examplesSeconds, double epochSeconds) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", epoch);
      m.put("examples", examples);
      m.put("seconds", seconds);
      m.put("samples_per_second", samplesPerSecond);
      m.put("loss", loss);
      m.put("validation_hr", Double.isNaN(validationHr) ? null : validationHr);
      m.put("validation_ndcg", Double.isNaN(validationNdcg) ? null : validationNdcg);
      m.put("examples_seconds", Double.isNaN(examplesSeconds) ? null : examplesSeconds);
      m.put("epoch_seconds", Double.isNaN(epochSeconds) ? null : epochSeconds);
      return m;
    }

    static Epoch fromMap(Map<String, Object> m) {
      return new Epoch(((Number) m.get("epoch")).intValue(), ((Number) m.get("examples")).longValue(), num(m.get("seconds")),
          num(m.get("samples_per_second")), num(m.get("loss")), num(m.get("validation_hr")), num(m.get("validation_ndcg")),
          num(m.get("examples_seconds")), num(m.get("epoch_seconds")));
    }

    private static double num(Object o) {
      return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
  }

  /** The trained model (best epoch) and the history of the run. */
  public record Outcome(ComputationGraph model, int bestEpoch, List<Epoch> epochs, boolean stoppedEarly, int resumedAfterEpoch) {}

  /**
   * What one model trains on. {@code initial}: the fresh (or pre-trained) graph; {@code examples}:
   * each epoch's training examples; {@code validation}: the per-epoch validation, or null (then
   * the best epoch is the one with the lowest training loss); {@code checkpoints}: where epochs
   * are saved and resumed from.
   */
  public record Inputs(String model, ComputationGraph initial, EpochExamples.Source examples, NcfValidation validation, int numUsers,
      int numItems, NcfCheckpoints checkpoints) {}

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
    boolean stoppedEarly = false;
    for (int epoch = start; epoch < cfg.epochs(); epoch++) {
      Epoch e = trainEpoch(in, engine, epoch);
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
    return new Outcome(p.best != null ? p.best : engine.model(), p.bestEpoch, p.epochs, stoppedEarly, resumedAfter);
  }

  /** Trains one epoch on its fresh negatives, then measures loss and validation. */
  private Epoch trainEpoch(Inputs in, NcfEngine engine, int epoch) {
    long t0 = System.nanoTime();
    try (EpochExamples examples = in.examples().epoch(epoch)) {
      long examplesMade = System.nanoTime();
      long size = examples.size();
      long batches = (size + cfg.batchSize() - 1) / cfg.batchSize();
      engine.fitEpoch(examples, new TrainingProgress(in.model() + " epoch " + epoch, cfg.spark().progressEveryBatches(),
          batches / workerJvms()));
      double seconds = (System.nanoTime() - examplesMade) / 1e9;
      double loss = loss(engine, examples.lossSample(LOSS_SAMPLE));
      NcfValidation.Scores v = new NcfValidation.Scores(Double.NaN, Double.NaN);
      if (in.validation() != null) {
        try (NcfScorer scorer = NcfScorer.of(spark, engine.model(), in.numUsers(), in.numItems(), cfg.scoringBatch(),
            cfg.spark().ompThreads())) {
          v = in.validation().evaluate(scorer);
        }
      }
      Epoch e = new Epoch(epoch, size, seconds, size / seconds, loss, v.hr(), v.ndcg(), (examplesMade - t0) / 1e9,
          (System.nanoTime() - t0) / 1e9);
      LOG.info(String.format(Locale.ROOT, "%s epoch %d: %d examples made in %.1f s, fitted in %.1f s (%.0f samples/s), loss %.4f, "
          + "validation HR@%d %.4f NDCG@%d %.4f, epoch %.1f s", in.model(), epoch, size, e.examplesSeconds(), seconds,
          e.samplesPerSecond(), loss, cfg.validationCutoff(), v.hr(), cfg.validationCutoff(), v.ndcg(), e.epochSeconds()));
      return e;
    }
  }

  /** The configuration this trainer trains with: its training master resolved for this Spark context (auto → local or distributed). */
  public NcfConfig config() {
    return cfg;
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

  /** Mean binary cross-entropy of the model on {@code sample} (predictions clamped to [1e-7, 1 - 1e-7]). */
  static double loss(NcfEngine engine, NcfBatches.ExampleBlock sample) {
    if (sample.size() == 0) {
      return Double.NaN;
    }
    // one forward pass over the whole sample (about LOSS_SAMPLE examples)
    float[] p = engine.predict(sample.users(), sample.items(), sample.size());
    double sum = 0;
    for (int i = 0; i < sample.size(); i++) {
      double label = sample.labels()[i];
      sum -= label * Math.log(Math.max(p[i], 1e-7)) + (1 - label) * Math.log(Math.max(1 - p[i], 1e-7));
    }
    return sum / sample.size();
  }
}
