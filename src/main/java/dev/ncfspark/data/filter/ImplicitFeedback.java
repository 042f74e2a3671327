package dev.ncfspark.data.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.ImplicitConfig;
import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Turns ratings into implicit positives. A (user, item) pair seen more than once keeps its latest
 * row (ties: the highest rating); the others are set aside with reason {@code duplicate}. Then,
 * in threshold mode, ratings below the threshold are set aside with reason {@code below-threshold}.
 */
public final class ImplicitFeedback {
  public static final String DUPLICATE = "duplicate";
  public static final String BELOW_THRESHOLD = "below-threshold";
  private final ImplicitConfig config;

  public ImplicitFeedback(ImplicitConfig config) {
    this.config = config;
  }

  public FilterOutcome apply(Dataset<Row> interactions) {
    Column rank = row_number().over(Window.partitionBy(Columns.USER, Columns.ITEM)
        .orderBy(col(Columns.TIMESTAMP).desc(), col(Columns.RATING).desc()));
    Column reason = when(col("_rank").gt(1), lit(DUPLICATE));
    if (config.mode() == ImplicitConfig.Mode.THRESHOLD) {
      reason = reason.when(col(Columns.RATING).lt(config.threshold()), lit(BELOW_THRESHOLD));
    }
    Dataset<Row> flagged = interactions.withColumn("_rank", rank).withColumn(Columns.REASON, reason).drop("_rank");
    return new FilterOutcome(
        flagged.where(col(Columns.REASON).isNull()).drop(Columns.REASON),
        flagged.where(col(Columns.REASON).isNotNull()));
  }
}
