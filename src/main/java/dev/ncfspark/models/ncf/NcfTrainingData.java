package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One epoch's training examples: every training positive (label 1) and that epoch's sampled
 * negatives (label 0), spread over {@code partitions} partitions and shuffled by a seeded hash of
 * (epoch, user, item, label) — the same order for the same seed, whatever the input partitioning.
 */
public final class NcfTrainingData {
  private NcfTrainingData() {}

  public static Dataset<Row> epoch(Dataset<Row> positives, Dataset<Row> negatives, int epoch, int partitions, long seed) {
    Dataset<Row> rows = positives.select(col(Columns.USER_IDX), col(Columns.ITEM_IDX), lit(1.0f).as(NcfBatches.LABEL))
        .unionByName(negatives.select(col(Columns.USER_IDX), col(Columns.ITEM_IDX), lit(0.0f).as(NcfBatches.LABEL)))
        // negatives are drawn with replacement: equal rows hash alike, and their order cannot matter
        .withColumn("_order", SeededRandom.hash(seed, "ncf-epoch-" + epoch, col(Columns.USER_IDX), col(Columns.ITEM_IDX),
            col(NcfBatches.LABEL)));
    // hash partitioning (not range: its sampled bounds depend on the input partitioning)
    return rows.repartition(partitions, col("_order"))
        .sortWithinPartitions("_order")
        .select(Columns.USER_IDX, Columns.ITEM_IDX, NcfBatches.LABEL);
  }
}
