package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_samp;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

/**
 * Paired significance tests between two models on per-user metric values, as Elliot reports them:
 * the paired t-test and the Wilcoxon signed-rank test, both two-sided.
 *
 * <p>Everything per user stays in Spark: the pairing, the differences and the ranking of the
 * Wilcoxon test are Spark SQL, and only two one-row aggregates come back to the driver, so the
 * tests scale to any number of users.
 *
 * <p><b>Input.</b> A per-user table in long format with the columns {@code model} (string),
 * {@code user_idx}, {@code metric} (string), {@code cutoff} (int, null for metrics without a
 * cutoff such as RMSE) and {@code value} (numeric). A user enters the test when it has a value for
 * both models at the requested metric and cutoff (an inner join on {@code user_idx}); rows of other
 * models, metrics or cutoffs are ignored, and a null {@code value} counts as no value. More than one
 * row for a (model, user) and NaN or infinite values for a paired user are rejected with an
 * {@link IllegalArgumentException}: they are upstream bugs that would silently change the test.
 *
 * <p><b>Paired t-test.</b> d = a − b per user; t = mean(d) / (sd(d) / √n) with the sample standard
 * deviation; the two-sided p-value is from Student's t with n − 1 degrees of freedom. Conventions:
 * fewer than two paired users gives t = p = NaN; all differences zero (identical models, where the
 * formula is 0/0) gives t = 0 and p = 1; a constant non-zero difference gives t = ±∞ and p = 0.
 *
 * <p><b>Wilcoxon signed-rank test.</b> Zero differences are dropped (Wilcoxon's convention, scipy's
 * default {@code zero_method="wilcox"}); the n<sub>r</sub> remaining |d| are ranked with average
 * ranks for ties (ties are exact equality of the double a − b); W+ is the sum of the ranks of the
 * positive differences. The p-value uses the normal approximation with tie correction and
 * <em>no</em> continuity correction: E[W+] = n<sub>r</sub>(n<sub>r</sub>+1)/4,
 * Var[W+] = n<sub>r</sub>(n<sub>r</sub>+1)(2n<sub>r</sub>+1)/24 − Σ(t³ − t)/48 over the groups of t
 * tied |d|, z = (W+ − E) / √Var (positive when A is better), p = 2(1 − Φ(|z|)) (computed as
 * 2Φ(−|z|), the same value without cancellation). Conventions: fewer than two paired users gives
 * z = p = NaN; all differences zero gives z = 0 and p = 1. (commons-math3's
 * {@code WilcoxonSignedRankTest} differs: it keeps zero differences, has no tie correction and
 * shifts W by 0.5 away from the mean.)
 *
 * <p>The average ranks are computed without a global sort on one partition: the distinct non-zero
 * |d| values are cut into ordered buckets at approximate quantiles ({@code percentile_approx},
 * computed in the same pass as the t-test sums), ranks are cumulated inside each bucket with a
 * window partitioned by bucket, and each bucket is offset by the number of values in the buckets
 * below it (a join of the per-bucket totals, at most {@value #RANK_BUCKETS} rows). The buckets only
 * balance the work: any monotone bucketing gives the same exact ranks.
 */
public final class PairedTests {
  /** Number of ordered buckets the distinct |d| values are cut into for the distributed ranking. */
  static final int RANK_BUCKETS = 128;

  private static final String N_A = "_n_a";
  private static final String N_B = "_n_b";
  private static final String A = "_a";
  private static final String B = "_b";
  private static final String D = "_d";
  private static final String V = "_v";
  private static final String POS = "_pos";
  private static final String BUCKET = "_bucket";
  private static final String C = "_c";
  private static final String P = "_p";
  private static final String BELOW = "_below";

  private PairedTests() {}

  /**
   * One comparison of model A with model B on one metric at one cutoff.
   *
   * @param users paired users (having a value for both models)
   * @param meanA mean of model A over the paired users (NaN when there are none)
   * @param meanB mean of model B over the paired users
   * @param tStatistic paired t statistic of A − B (see the class comment for the conventions)
   * @param tTestP two-sided p-value of the paired t-test
   * @param wilcoxonZ z of W+ under the normal approximation with tie correction, positive when A is better
   * @param wilcoxonP two-sided p-value of the Wilcoxon signed-rank test
   */
  public record Result(String modelA, String modelB, String metric, Integer cutoff, long users,
                       double meanA, double meanB, double tStatistic, double tTestP, double wilcoxonZ, double wilcoxonP) {}

  /**
   * Compares modelA and modelB on the users that have a value for both (inner join on user_idx
   * for that metric/cutoff); {@code cutoff} null selects the rows whose cutoff is null.
   */
  public static Result compare(Dataset<Row> perUser, String modelA, String modelB, String metric, Integer cutoff) {
    return compare(perUser, modelA, modelB, metric, cutoff, RANK_BUCKETS);
  }

  /** {@link #compare(Dataset, String, String, String, Integer)} with a given number of rank buckets (tests). */
  static Result compare(Dataset<Row> perUser, String modelA, String modelB, String metric, Integer cutoff,
                        int rankBuckets) {
    Objects.requireNonNull(perUser, "perUser");
    Objects.requireNonNull(modelA, "modelA");
    Objects.requireNonNull(modelB, "modelB");
    Objects.requireNonNull(metric, "metric");
    if (modelA.equals(modelB)) {
      throw new IllegalArgumentException("modelA and modelB are the same model: " + modelA);
    }
    if (rankBuckets < 1) {
      throw new IllegalArgumentException("rankBuckets must be >= 1, got " + rankBuckets);
    }
    List<String> present = Arrays.asList(perUser.columns());
    for (String c : List.of(PerUserMetrics.MODEL, Columns.USER_IDX, PerUserMetrics.METRIC,
        PerUserMetrics.CUTOFF, PerUserMetrics.VALUE)) {
      if (!present.contains(c)) {
        throw new IllegalArgumentException("per-user metrics lack column '" + c + "'; columns: " + present);
      }
    }

    Column cutoffMatches = cutoff == null
        ? col(PerUserMetrics.CUTOFF).isNull()
        : col(PerUserMetrics.CUTOFF).equalTo(lit(cutoff));
    Column isA = col(PerUserMetrics.MODEL).equalTo(lit(modelA));
    Column isB = col(PerUserMetrics.MODEL).equalTo(lit(modelB));
    Column value = col(PerUserMetrics.VALUE).cast("double");

    // One row per user of either model: how many rows each model has, and its value.
    Dataset<Row> byUser = perUser
        .where(col(PerUserMetrics.METRIC).equalTo(lit(metric)).and(cutoffMatches)
            .and(col(PerUserMetrics.MODEL).isin(modelA, modelB))
            .and(col(PerUserMetrics.VALUE).isNotNull()))
        .groupBy(col(Columns.USER_IDX))
        .agg(sum(when(isA, 1).otherwise(0)).as(N_A), sum(when(isB, 1).otherwise(0)).as(N_B),
            max(when(isA, value)).as(A), max(when(isB, value)).as(B));
    Column paired = col(N_A).gt(0).and(col(N_B).gt(0));
    Dataset<Row> users = byUser.withColumn(D, when(paired, col(A).minus(col(B))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return compareCached(users, modelA, modelB, metric, cutoff, rankBuckets);
    } finally {
      users.unpersist(false);
    }
  }

  private static Result compareCached(Dataset<Row> users, String modelA, String modelB, String metric,
                                      Integer cutoff, int rankBuckets) {
    Column d = col(D);
    Column paired = d.isNotNull();
    Column nonZero = paired.and(d.notEqual(0.0));
    Column nonFinite = isnan(col(A)).or(isnan(col(B)))
        .or(abs(col(A)).equalTo(lit(Double.POSITIVE_INFINITY)))
        .or(abs(col(B)).equalTo(lit(Double.POSITIVE_INFINITY)));
    List<Column> aggs = new ArrayList<>(List.of(
        coalesce(max(col(N_A)), lit(0L)).cast("long"),
        coalesce(max(col(N_B)), lit(0L)).cast("long"),
        coalesce(sum(when(paired.and(nonFinite), 1L).otherwise(0L)), lit(0L)),
        count(d),
        count(when(nonZero, 1)),
        avg(when(paired, col(A))),
        avg(when(paired, col(B))),
        avg(d),
        var_samp(d)));
    if (rankBuckets > 1) {
      Column[] fractions = new Column[rankBuckets - 1];
      for (int i = 1; i < rankBuckets; i++) {
        fractions[i - 1] = lit((double) i / rankBuckets);
      }
      aggs.add(percentile_approx(when(nonZero, abs(d)), array(fractions), lit(10_000)));
    }
    Row s = users.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();

    long maxRowsA = s.getLong(0);
    long maxRowsB = s.getLong(1);
    if (maxRowsA > 1 || maxRowsB > 1) {
      throw new IllegalArgumentException("per-user metrics have several rows for one user of model '"
          + (maxRowsA > 1 ? modelA : modelB) + "' at metric " + metric + ", cutoff " + cutoff);
    }
    long nonFiniteUsers = s.getLong(2);
    if (nonFiniteUsers > 0) {
      throw new IllegalArgumentException(nonFiniteUsers + " paired users have a NaN or infinite value at metric "
          + metric + ", cutoff " + cutoff + " for " + modelA + " or " + modelB);
    }
    long n = s.getLong(3);
    long nonZeroCount = s.getLong(4);
    double meanA = s.isNullAt(5) ? Double.NaN : s.getDouble(5);
    double meanB = s.isNullAt(6) ? Double.NaN : s.getDouble(6);
    double meanD = s.isNullAt(7) ? Double.NaN : s.getDouble(7);
    double varD = s.isNullAt(8) ? Double.NaN : s.getDouble(8);

    double t;
    double tP;
    double z;
    double wP;
    if (n < 2) {
      t = tP = z = wP = Double.NaN;
    } else if (nonZeroCount == 0) {
      t = z = 0.0;
      tP = wP = 1.0;
    } else {
      t = meanD / Math.sqrt(varD / n);
      tP = Double.isInfinite(t) ? 0.0
          : 2.0 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
      List<Double> bounds = rankBuckets > 1 && !s.isNullAt(9) ? s.getList(9) : List.of();
      double[] w = signedRankSums(users.where(nonZero), bounds);
      double nr = w[0];
      double wPlus = w[1];
      double tieSum = w[2];
      double mean = nr * (nr + 1) / 4.0;
      double var = nr * (nr + 1) * (2 * nr + 1) / 24.0 - tieSum / 48.0;
      z = (wPlus - mean) / Math.sqrt(var);
      wP = 2.0 * new NormalDistribution(null, 0.0, 1.0).cumulativeProbability(-Math.abs(z));
    }
    return new Result(modelA, modelB, metric, cutoff, n, meanA, meanB, t, tP, z, wP);
  }

  /**
   * {n<sub>r</sub>, W+, Σ(t³ − t)} of the non-zero differences in column {@link #D}, ranked with
   * average ranks, in one Spark job; {@code bounds} (ascending) cut the |d| into ordered buckets.
   */
  private static double[] signedRankSums(Dataset<Row> nonZeroUsers, List<Double> bounds) {
    Column bucket;
    double[] distinct = new TreeSet<>(bounds).stream().mapToDouble(Double::doubleValue).toArray();
    if (distinct.length == 0) {
      bucket = lit(0);
    } else {
      Column[] b = new Column[distinct.length];
      for (int i = 0; i < distinct.length; i++) {
        b[i] = lit(distinct[i]);
      }
      // The number of bounds below v: monotone in v, so bucket order is |d| order.
      bucket = size(filter(array(b), x -> x.lt(col(V))));
    }
    Dataset<Row> distinctAbs = nonZeroUsers
        .select(abs(col(D)).as(V), when(col(D).gt(0.0), 1L).otherwise(0L).as(POS))
        .withColumn(BUCKET, bucket)
        .groupBy(BUCKET, V)
        .agg(count(lit(1)).as(C), sum(col(POS)).as(P));
    WindowSpec upTo = Window.partitionBy(BUCKET).orderBy(V)
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    // Average rank of v inside its bucket: values below it in the bucket + (ties + 1) / 2.
    Column localRank = col(BELOW).plus(col(C).plus(1).cast("double").divide(2.0));
    Column c = col(C).cast("double");
    Dataset<Row> perBucket = distinctAbs
        .withColumn(BELOW, sum(col(C)).over(upTo).minus(col(C)))
        .groupBy(BUCKET)
        .agg(sum(col(C)).as("_total"), sum(col(P)).as("_positives"),
            sum(col(P).cast("double").multiply(localRank)).as("_local_w"),
            sum(c.multiply(c).multiply(c).minus(c)).as("_ties"));
    Dataset<Row> lower = perBucket.select(col(BUCKET).as("_lower_bucket"), col("_total").as("_lower_total"));
    Row r = perBucket
        .join(lower, col("_lower_bucket").lt(col(BUCKET)), "left")
        .groupBy(BUCKET, "_total", "_positives", "_local_w", "_ties")
        .agg(coalesce(sum(col("_lower_total")), lit(0L)).as("_offset"))
        .agg(sum(col("_total")).cast("double"),
            sum(col("_local_w").plus(col("_positives").cast("double").multiply(col("_offset")))),
            sum(col("_ties")))
        .first();
    return new double[] {r.getDouble(0), r.getDouble(1), r.getDouble(2)};
  }
}
