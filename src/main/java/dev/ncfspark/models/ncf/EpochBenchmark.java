package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One training epoch of the configured sparse engine ({@code training-master = local} or {@code
 * distributed}) on given examples, timed: what {@code make bench-train} compares the two with.
 * The single JVM reads the examples from memory; the distributed engine's time includes its
 * split of the epoch among the workers, which it pays every epoch.
 */
public final class EpochBenchmark {
  private EpochBenchmark() {}

  /**
   * @param seconds wall time of the epoch
   * @param rounds  merge rounds (0 for the single JVM)
   * @param split   distributed: seconds to split the examples among the workers
   * @param train   distributed: seconds of the rounds' Spark jobs (workers training)
   * @param merge   distributed: seconds of the driver's merges and broadcasts
   */
  public record Result(double seconds, long rounds, double split, double train, double merge) {}

  /** NeuMF of {@code cfg} on users x items, one epoch of {@code examples} (user_idx, item_idx, label). */
  public static Result time(SparkSession spark, NcfConfig cfg, Dataset<Row> examples, int users, int items, long seed) {
    EpochExamples epoch = cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.DISTRIBUTED ? SparkEpochExamples.of(examples, seed)
        : inMemory(examples);
    return time(spark, cfg, epoch, users, items, seed);
  }

  /**
   * Epochs drawn from training positives (user_idx, item_idx) with {@code perPositive} uniform
   * negatives each, as the job draws them ({@code epoch-examples = in-memory}): the single JVM
   * from its memory, distributed workers each their own users' share. The positives are
   * collected once, before any clock starts; the draws' broadcast is in each distributed epoch.
   */
  public static final class DrawnEpochs implements AutoCloseable {
    private final EpochExamples.Source source;
    private final int users;
    private final int items;
    private final long seed;

    public DrawnEpochs(Dataset<Row> positives, int users, int items, int perPositive, long seed) {
      this.source = InMemoryEpochExamples.source(positives, positives, users, items, perPositive, 0.0, seed);
      this.users = users;
      this.items = items;
      this.seed = seed;
      source.epoch(0); // collects the positives now
    }

    /** Examples of an epoch. */
    public long size() {
      return source.epoch(0).size();
    }

    /** NeuMF of {@code cfg}, epoch 0, timed. */
    public Result time(SparkSession spark, NcfConfig cfg) {
      return EpochBenchmark.time(spark, cfg, source.epoch(0), users, items, seed);
    }

    @Override
    public void close() {
      source.close();
    }
  }

  private static Result time(SparkSession spark, NcfConfig cfg, EpochExamples epoch, int users, int items, long seed) {
    NcfEngine engine = NcfEngines.create(spark, cfg, seed, "target/bench-train-export",
        NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, users, items, seed));
    long t0 = System.nanoTime();
    engine.fitEpoch(epoch, new TrainingProgress("bench-train", 0, 1));
    double seconds = (System.nanoTime() - t0) / 1e9;
    epoch.close();
    if (engine instanceof DistributedEngine d) {
      DistributedEngine.EpochTimes t = d.lastEpoch();
      return new Result(seconds, t.rounds(), t.split(), t.train(), t.merge());
    }
    return new Result(seconds, 0, 0, 0, 0);
  }

  /** The examples collected to this JVM before the clock starts, so that the single JVM's time is its training alone. */
  private static EpochExamples inMemory(Dataset<Row> examples) {
    NcfBatches.ExampleBlock all = NcfBatches.concat(NcfBatches.blocks(examples, SparkEpochExamples.BLOCK).toLocalIterator());
    return new EpochExamples() {
      @Override
      public long size() {
        return all.size();
      }

      @Override
      public Iterator<NcfBatches.ExampleBlock> blocks() {
        return List.of(all).iterator();
      }

      @Override
      public Dataset<Row> rows() {
        return examples;
      }

      @Override
      public NcfBatches.ExampleBlock lossSample(int max) {
        throw new UnsupportedOperationException("not measured");
      }

      @Override
      public void close() {}
    };
  }
}
