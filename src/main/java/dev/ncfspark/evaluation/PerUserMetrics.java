package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-user metric values in long format (model, user_idx, metric, cutoff, value) — the input of
 * paired significance tests — and their means, the reported metric values.
 */
public final class PerUserMetrics {
  public static final String MODEL = "model";
  public static final String METRIC = "metric";
  public static final String CUTOFF = "cutoff";
  public static final String VALUE = "value";
  public static final String USERS = "users";

  private PerUserMetrics() {}

  /** Mean over users per (model, metric, cutoff), with the number of users. */
  public static Dataset<Row> means(Dataset<Row> perUser) {
    return perUser.groupBy(MODEL, METRIC, CUTOFF)
        .agg(avg(col(VALUE)).as(VALUE), count(lit(1)).as(USERS))
        .orderBy(MODEL, METRIC, CUTOFF);
  }

  /** Tags per-user rows (user_idx, metric, cutoff, value) with a model name, in the canonical column order. */
  public static Dataset<Row> forModel(Dataset<Row> rows, String model) {
    return rows.withColumn(MODEL, lit(model)).select(MODEL, Columns.USER_IDX, METRIC, CUTOFF, VALUE);
  }
}
