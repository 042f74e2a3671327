package dev.ncfspark.models;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MostPop: an item's score is its number of training interactions, the same for every user. The
 * non-personalised baseline every recommender must beat.
 */
public final class MostPopular implements CatalogueScorer {
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

  /** The counts as one array indexed by item_idx, broadcast; items without training rows score 0. */
  @Override
  public Opener catalogueScores() {
    List<Row> rows = itemCounts.collectAsList();
    int size = rows.stream().mapToInt(r -> ((Number) r.get(0)).intValue() + 1).max().orElse(0);
    double[] counts = new double[size];
    for (Row r : rows) {
      counts[((Number) r.get(0)).intValue()] = r.getDouble(1);
    }
    Broadcast<double[]> shared = JavaSparkContext.fromSparkContext(itemCounts.sparkSession().sparkContext()).broadcast(counts);
    return () -> (user, out) -> {
      double[] c = shared.value();
      for (int i = 0; i < out.length; i++) {
        out[i] = i < c.length ? c[i] : 0.0;
      }
    };
  }

  /** (item_idx, popularity) of the training data, for popularity statistics of recommendations. */
  public Dataset<Row> itemPopularity() {
    return itemCounts.withColumnRenamed("_pop", "popularity");
  }
}
