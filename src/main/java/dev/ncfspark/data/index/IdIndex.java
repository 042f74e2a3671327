package dev.ncfspark.data.index;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.spark_partition_id;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.Checkpoints;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Dense id maps: users and items to 0..n-1 in the order of their original ids (numeric order for
 * integer ids, lexicographic for text), so the same set of ids always gets the same map. Models
 * index embedding tables with these; every split row carries both the original and the dense id.
 */
public record IdIndex(Dataset<Row> users, Dataset<Row> items) {

  /** Builds both maps from the distinct users and items of {@code interactions}; {@code checkpoints} holds the ranked ids while the maps are read. */
  public static IdIndex fit(Dataset<Row> interactions, Checkpoints checkpoints) {
    return new IdIndex(
        denseMap(interactions, Columns.USER, Columns.USER_IDX, checkpoints),
        denseMap(interactions, Columns.ITEM, Columns.ITEM_IDX, checkpoints));
  }

  /** Adds user_idx and item_idx to every row (inner join: rows of unknown ids are not expected here). */
  public Dataset<Row> attach(Dataset<Row> rows) {
    return rows.join(users, Columns.USER).join(items, Columns.ITEM);
  }

  /** Adds the original user and item ids to rows that carry user_idx and item_idx. */
  public Dataset<Row> toOriginal(Dataset<Row> rows) {
    return rows.join(users, Columns.USER_IDX).join(items, Columns.ITEM_IDX);
  }

  /**
   * Distinct ids range-partitioned in id order and checkpointed with their partition, so that the
   * numbering reads one fixed assignment: an id's number is the count of ids in the partitions
   * before its own (a handful of numbers collected to the driver) plus its rank inside its
   * partition. Spark SQL only (no zipWithIndex through an RDD of Java rows, which stays on the CPU
   * under RAPIDS) and no single-partition window over all ids.
   */
  private static Dataset<Row> denseMap(Dataset<Row> interactions, String idColumn, String indexColumn, Checkpoints checkpoints) {
    int partitions = interactions.sparkSession().sessionState().conf().numShufflePartitions();
    // the distinct ids first: the range partitioning samples its input before it shuffles it
    Dataset<Row> ids = checkpoints.cut(interactions.select(col(idColumn)).distinct(), "index-distinct-" + idColumn);
    Dataset<Row> ranged = checkpoints.cut(ids.repartitionByRange(partitions, col(idColumn))
        .select(col(idColumn), spark_partition_id().as("_part")), "index-" + idColumn);
    long[] before = new long[partitions + 1];
    for (Row r : ranged.groupBy("_part").count().collectAsList()) {
      before[r.getInt(0) + 1] = r.getLong(1);
    }
    StringBuilder offsets = new StringBuilder("array(0L");
    for (int p = 1; p < partitions; p++) {
      before[p] += before[p - 1];
      offsets.append(", ").append(before[p]).append('L');
    }
    offsets.append(')');
    if (before[partitions - 1] + before[partitions] > Integer.MAX_VALUE) {
      throw new IllegalStateException("more than 2^31 distinct " + idColumn + " ids");
    }
    return ranged.select(col(idColumn),
        expr("element_at(" + offsets + ", _part + 1)").plus(row_number().over(Window.partitionBy("_part").orderBy(idColumn)))
            .minus(1).cast("int").as(indexColumn));
  }
}
