package dev.ncfspark.models.ncf;

import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One epoch's training examples (user_idx, item_idx, label) in training order: every training
 * positive (label 1) and that epoch's fresh negatives (label 0), shuffled. Made either in the
 * training JVM ({@link InMemoryEpochExamples}) or by Spark on the executors ({@link
 * SparkEpochExamples}); either way a function of (seed, epoch) alone.
 */
public interface EpochExamples extends AutoCloseable {
  /** Examples in the epoch. */
  long size();

  /**
   * The examples in training order, as blocks; a block that ends a partition also ends a
   * minibatch ({@link NcfBatches#forEachMinibatch}).
   */
  Iterator<NcfBatches.ExampleBlock> blocks();

  /** The examples as a Spark Dataset (user_idx, item_idx, label), for DL4J's Spark training masters. */
  Dataset<Row> rows();

  /** A fixed sample of about {@code max} of the examples (all when fewer), on which the training loss is measured. */
  NcfBatches.ExampleBlock lossSample(int max);

  /** Releases what the epoch holds (cached Spark data). */
  @Override
  void close();

  /** Makes each epoch's examples of one training run (every model of it). */
  interface Source extends AutoCloseable {
    EpochExamples epoch(int epoch);

    /** Releases what the source holds across epochs. */
    @Override
    void close();
  }
}
