package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Per-user leave-one-out by time (the NCF protocol): each user's latest interaction is the test
 * item and, optionally, the one before is the validation item; the rest is train. Ties on the
 * timestamp are broken by a seeded hash of (user, item), then by item: deterministic and not
 * biased towards high (newer) item ids. A user keeps at least one train interaction: with 2
 * interactions there is no validation item, with 1 everything is train.
 */
public final class LeaveOneOutSplitter implements Splitter {
  private final boolean validation;
  private final long seed;

  public LeaveOneOutSplitter(boolean validation, long seed) {
    this.validation = validation;
    this.seed = seed;
  }

  @Override
  public Dataset<Row> assign(Dataset<Row> indexed) {
    WindowSpec byUser = Window.partitionBy(Columns.USER_IDX);
    Column latestFirst = row_number().over(byUser.orderBy(
        col(Columns.TIMESTAMP).desc(),
        SeededRandom.hash(seed, "leave-one-out-tie", col(Columns.USER_IDX), col(Columns.ITEM_IDX)).desc(),
        col(Columns.ITEM_IDX).desc()));
    Column n = count(lit(1)).over(byUser);
    Column split = when(col("_pos").equalTo(1).and(col("_n").geq(2)), lit(Columns.TEST))
        .when(col("_pos").equalTo(2).and(col("_n").geq(3)).and(lit(validation)), lit(Columns.VALIDATION))
        .otherwise(lit(Columns.TRAIN));
    return indexed.withColumn("_pos", latestFirst).withColumn("_n", n)
        .withColumn(Columns.SPLIT, split).drop("_pos", "_n");
  }
}
