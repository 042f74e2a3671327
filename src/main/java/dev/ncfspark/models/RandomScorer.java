package dev.ncfspark.models;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Random: a seeded uniform score per (user, item). With 1 positive and 99 negatives its HR@10 is
 * 0.10 in expectation: the floor every model must clear.
 */
public final class RandomScorer implements PairScorer {
  private final long seed;

  public RandomScorer(long seed) {
    this.seed = seed;
  }

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    return pairs.withColumn(SCORE, SeededRandom.uniform(seed, "random-model", col(Columns.USER_IDX), col(Columns.ITEM_IDX)));
  }
}
