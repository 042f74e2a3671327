package dev.ncfspark.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The naive rating baselines any rating model is compared with (as in Elliot and Surprise):
 * the global mean, the most frequent rating, a uniform random rating between the smallest and
 * the largest training rating, and a random rating drawn with the training frequencies. Random
 * draws are seeded hashes of (user, item).
 */
public final class NaiveRatingPredictor implements RatingPredictor {
  /** Which naive rule. */
  public enum Kind { GLOBAL_MEAN, MAJORITY_RATING, RANDOM_RATING, FREQUENCY_RANDOM_RATING }

  private final Kind kind;
  private final long seed;
  private final double mean;
  private final double majority;
  private final double min;
  private final double max;
  /** Distinct training rating values and their cumulative frequencies (a handful of values). */
  private final List<double[]> cumulative;

  private NaiveRatingPredictor(Kind kind, long seed, double mean, double majority, double min, double max, List<double[]> cumulative) {
    this.kind = kind;
    this.seed = seed;
    this.mean = mean;
    this.majority = majority;
    this.min = min;
    this.max = max;
    this.cumulative = cumulative;
  }

  /** Learns the rating statistics of {@code train} (one aggregation and the rating histogram). */
  public static NaiveRatingPredictor fit(Dataset<Row> train, Kind kind, long seed) {
    Row s = train.selectExpr("avg(rating)", "min(rating)", "max(rating)", "count(*)").first();
    List<Row> histogram = train.groupBy(Columns.RATING).count().orderBy(Columns.RATING).collectAsList();
    if (histogram.size() > 10_000) {
      throw new IllegalArgumentException("frequency baselines expect a small set of rating values, found " + histogram.size());
    }
    double total = s.getLong(3);
    double majority = histogram.stream().max((a, b) -> a.getLong(1) != b.getLong(1)
        ? Long.compare(a.getLong(1), b.getLong(1)) : Double.compare(b.getDouble(0), a.getDouble(0))).orElseThrow().getDouble(0);
    List<double[]> cumulative = new ArrayList<>();
    double running = 0;
    for (Row r : histogram) {
      running += r.getLong(1) / total;
      cumulative.add(new double[] {r.getDouble(0), running});
    }
    return new NaiveRatingPredictor(kind, seed, s.getDouble(0), majority, s.getDouble(1), s.getDouble(2), cumulative);
  }

  @Override
  public Dataset<Row> predict(Dataset<Row> pairs) {
    Column u = SeededRandom.uniform(seed, "naive-" + kind, col(Columns.USER_IDX), col(Columns.ITEM_IDX));
    Column prediction = switch (kind) {
      case GLOBAL_MEAN -> lit(mean);
      case MAJORITY_RATING -> lit(majority);
      case RANDOM_RATING -> lit(min).plus(u.multiply(max - min));
      case FREQUENCY_RANDOM_RATING -> inverseCdf(u);
    };
    return pairs.withColumn(PREDICTION, prediction);
  }

  private Column inverseCdf(Column u) {
    Column c = lit(cumulative.get(cumulative.size() - 1)[0]);
    for (int i = cumulative.size() - 2; i >= 0; i--) {
      c = org.apache.spark.sql.functions.when(u.lt(cumulative.get(i)[1]), cumulative.get(i)[0]).otherwise(c);
    }
    return c;
  }
}
