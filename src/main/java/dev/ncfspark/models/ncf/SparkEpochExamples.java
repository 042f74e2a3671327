package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.expr;

import dev.ncfspark.data.Columns;
import java.util.Iterator;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * An epoch's examples made by Spark: the training positives and the epoch's negatives (from the
 * Spark SQL sampler) shuffled by a seeded hash on the executors ({@link NcfTrainingData}), cached
 * for the epoch and streamed to the trainer a partition at a time.
 */
public final class SparkEpochExamples implements EpochExamples {
  /** Examples per block streamed from the executors. */
  static final int BLOCK = 65_536;
  private final Dataset<Row> rows;
  private final long size;
  private final long seed;

  private SparkEpochExamples(Dataset<Row> rows, long seed) {
    this.rows = rows.persist(StorageLevel.MEMORY_AND_DISK());
    this.size = this.rows.count();
    this.seed = seed;
  }

  /** One epoch of given examples (user_idx, item_idx, label), in their order. */
  public static EpochExamples of(Dataset<Row> examples, long seed) {
    return new SparkEpochExamples(examples, seed);
  }

  /**
   * Epochs of {@code train} (user_idx, item_idx) positives and {@code negativesOfEpoch}'s
   * (user_idx, item_idx) negatives, in {@code partitions} partitions (0: the default parallelism).
   */
  public static Source source(Dataset<Row> train, IntFunction<Dataset<Row>> negativesOfEpoch, int partitions, long seed) {
    Dataset<Row> positives = train.select(Columns.USER_IDX, Columns.ITEM_IDX).persist(StorageLevel.MEMORY_AND_DISK());
    int p = partitions > 0 ? partitions : train.sparkSession().sparkContext().defaultParallelism();
    return new Source() {
      @Override
      public EpochExamples epoch(int epoch) {
        return new SparkEpochExamples(NcfTrainingData.epoch(positives, negativesOfEpoch.apply(epoch), epoch, p, seed), seed);
      }

      @Override
      public void close() {
        positives.unpersist();
      }
    };
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Iterator<NcfBatches.ExampleBlock> blocks() {
    return NcfBatches.blocks(rows, BLOCK).toLocalIterator();
  }

  @Override
  public Dataset<Row> rows() {
    return rows;
  }

  @Override
  public NcfBatches.ExampleBlock lossSample(int max) {
    double fraction = Math.min(1.0, (double) max / Math.max(1, size));
    Dataset<Row> sample = fraction < 1.0
        ? rows.where(expr("abs(xxhash64(" + seed + "L, 'loss', user_idx, item_idx) % 1000000) < " + Math.round(fraction * 1_000_000)))
        : rows;
    return NcfBatches.concat(NcfBatches.blocks(sample, BLOCK).toLocalIterator());
  }

  @Override
  public void close() {
    rows.unpersist();
  }
}
