package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Global random ratio split: every interaction independently, by a seeded uniform draw. */
public final class GlobalRandomSplitter implements Splitter {
  private final double train;
  private final double validation;
  private final long seed;

  public GlobalRandomSplitter(double train, double validation, long seed) {
    this.train = train;
    this.validation = validation;
    this.seed = seed;
  }

  @Override
  public Dataset<Row> assign(Dataset<Row> indexed) {
    Column u = SeededRandom.uniform(seed, "global-random", col(Columns.USER_IDX), col(Columns.ITEM_IDX));
    return indexed.withColumn(Columns.SPLIT,
        when(u.lt(train), lit(Columns.TRAIN)).when(u.lt(train + validation), lit(Columns.VALIDATION)).otherwise(lit(Columns.TEST)));
  }
}
