package dev.ncfspark.models;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MostPop: an item's score is its number of training interactions, the same for every user. The
 * non-personalised baseline every recommender must beat.
 */
public final class MostPopular implements PairScorer {
  private final Dataset<Row> itemCounts;

  private MostPopular(Dataset<Row> itemCounts) {
    this.itemCounts = itemCounts;
  }

  /** Counts the (user_idx, item_idx) training rows per item. */
  public static MostPopular fit(Dataset<Row> train) {
    return new MostPopular(train.groupBy(Columns.ITEM_IDX).agg(count(lit(1)).cast("double").as("_pop")).cache());
  }

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    return pairs.join(itemCounts, new String[] {Columns.ITEM_IDX}, "left")
        .withColumn(SCORE, coalesce(col("_pop"), lit(0.0))).drop("_pop");
  }

  /** (item_idx, popularity) of the training data, for popularity statistics of recommendations. */
  public Dataset<Row> itemPopularity() {
    return itemCounts.withColumnRenamed("_pop", "popularity");
  }
}
