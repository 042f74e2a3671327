package dev.ncfspark.data;

import org.apache.spark.sql.Dataset;

/**
 * Cuts a Dataset's lineage in iterative stages (core-k rounds, sampling rounds) so that 30
 * iterations do not grow a 30-deep plan. Reliable checkpoints when the SparkContext has a
 * checkpoint directory (cluster runs: they survive a lost executor), local checkpoints otherwise.
 */
public final class Lineage {
  private Lineage() {}

  public static <T> Dataset<T> cut(Dataset<T> ds) {
    boolean reliable = ds.sparkSession().sparkContext().getCheckpointDir().isDefined();
    return reliable ? ds.checkpoint(true) : ds.localCheckpoint(true);
  }
}
