package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
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
 * Per-user random ratio split (stratified by user, as Microsoft Recommenders' stratified
 * split): each user's interactions are put in a seeded random order; the first
 * round(n * train) (at least 1) go to train, up to round(n * (train + validation)) to validation,
 * the rest to test.
 */
public final class UserRandomSplitter implements Splitter {
  private final double train;
  private final double validation;
  private final long seed;

  public UserRandomSplitter(double train, double validation, long seed) {
    this.train = train;
    this.validation = validation;
    this.seed = seed;
  }

  @Override
  public Dataset<Row> assign(Dataset<Row> indexed) {
    WindowSpec byUser = Window.partitionBy(Columns.USER_IDX);
    Column position = row_number().over(byUser.orderBy(
        SeededRandom.hash(seed, "user-random", col(Columns.USER_IDX), col(Columns.ITEM_IDX)), col(Columns.ITEM_IDX)));
    Column n = count(lit(1)).over(byUser);
    Column trainEnd = greatest(lit(1), round(col("_n").multiply(train)));
    Column validationEnd = greatest(trainEnd, round(col("_n").multiply(train + validation)));
    Column split = when(col("_pos").leq(trainEnd), lit(Columns.TRAIN))
        .when(col("_pos").leq(validationEnd), lit(Columns.VALIDATION))
        .otherwise(lit(Columns.TEST));
    return indexed.withColumn("_pos", position).withColumn("_n", n)
        .withColumn(Columns.SPLIT, split).drop("_pos", "_n");
  }
}
