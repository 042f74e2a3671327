package dev.ncfspark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.TTest;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Paired t-test and Wilcoxon signed-rank test in Spark, cross-checked against commons-math3 and an
 * in-test Java computation of the same statistics.
 */
class PairedTestsTest {
  private static final StructType SCHEMA = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("user_idx", DataTypes.IntegerType, false)
      .add("metric", DataTypes.StringType, false)
      .add("cutoff", DataTypes.IntegerType, true)
      .add("value", DataTypes.DoubleType, true);
  private static final NormalDistribution PHI = new NormalDistribution();
  /** Tolerance on p-values and z against the references (same formulas, different summation order). */
  private static final double TOL = 1e-9;

  private static List<Row> rows(String model, String metric, Integer cutoff, int firstUser, double[] values) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(RowFactory.create(model, firstUser + i, metric, cutoff, values[i]));
    }
    return out;
  }

  @SafeVarargs
  private static Dataset<Row> table(List<Row>... parts) {
    List<Row> all = new ArrayList<>();
    for (List<Row> p : parts) {
      all.addAll(p);
    }
    return SparkTestSession.get().createDataFrame(all, SCHEMA).repartition(3);
  }

  /** The same normal approximation, directly: zeros dropped, average ranks, tie correction, no continuity correction. */
  record Wilcoxon(double z, double p, double wPlus, int nonZero, double tieSum) {}

  static Wilcoxon wilcoxonReference(double[] a, double[] b) {
    double[] d = IntStream.range(0, a.length).mapToDouble(i -> a[i] - b[i]).filter(x -> x != 0.0).toArray();
    int n = d.length;
    Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> Math.abs(d[i])))
        .toArray(Integer[]::new);
    double[] rank = new double[n];
    double tieSum = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && Math.abs(d[order[j + 1]]) == Math.abs(d[order[i]])) {
        j++;
      }
      double average = ((i + 1) + (j + 1)) / 2.0;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = average;
      }
      double t = j - i + 1;
      tieSum += t * t * t - t;
      i = j + 1;
    }
    double wPlus = 0;
    for (int i = 0; i < n; i++) {
      if (d[i] > 0) {
        wPlus += rank[i];
      }
    }
    double mean = n * (n + 1) / 4.0;
    double var = n * (n + 1.0) * (2.0 * n + 1) / 24.0 - tieSum / 48.0;
    double z = (wPlus - mean) / Math.sqrt(var);
    double p = 2 * (1 - PHI.cumulativeProbability(Math.abs(z)));
    return new Wilcoxon(z, p, wPlus, n, tieSum);
  }

  private static double mean(double[] x) {
    return Arrays.stream(x).average().orElse(Double.NaN);
  }

  /** Checks every field of the result against commons-math3's paired t-test and the Wilcoxon reference. */
  private static void assertMatchesReferences(PairedTests.Result r, double[] a, double[] b) {
    assertEquals(a.length, r.users());
    assertEquals(mean(a), r.meanA(), 1e-12);
    assertEquals(mean(b), r.meanB(), 1e-12);
    double t = new TTest().pairedT(a, b);
    assertEquals(t, r.tStatistic(), TOL * Math.max(1, Math.abs(t)));
    assertEquals(new TTest().pairedTTest(a, b), r.tTestP(), TOL);
    Wilcoxon w = wilcoxonReference(a, b);
    assertEquals(w.z(), r.wilcoxonZ(), TOL);
    assertEquals(w.p(), r.wilcoxonP(), TOL);
  }

  private static double[] precisionLike(Random rng, int n, int maxHits) {
    return IntStream.range(0, n).mapToDouble(i -> rng.nextInt(maxHits + 1) / 10.0).toArray();
  }

  @Test
  void continuousValuesMatchCommonsMathTTestAndReferenceWilcoxon() {
    Random rng = new Random(11);
    int n = 200;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = 0.3 + 0.1 * rng.nextGaussian();
      b[i] = a[i] - 0.008 + 0.05 * rng.nextGaussian();
    }
    PairedTests.Result r = PairedTests.compare(
        table(rows("A", "nDCG", 10, 0, a), rows("B", "nDCG", 10, 0, b)), "A", "B", "nDCG", 10);
    assertEquals(new PairedTests.Result("A", "B", "nDCG", 10, n, r.meanA(), r.meanB(), r.tStatistic(),
        r.tTestP(), r.wilcoxonZ(), r.wilcoxonP()), r);
    assertMatchesReferences(r, a, b);
    // a non-trivial p, so that the comparison at 1e-9 means something
    assertTrue(r.tTestP() > 1e-4 && r.tTestP() < 0.5, "t-test p " + r.tTestP());
    assertTrue(r.wilcoxonP() > 1e-4 && r.wilcoxonP() < 0.9, "Wilcoxon p " + r.wilcoxonP());
  }

  @Test
  void wilcoxonWithZerosAndTiesMatchesReferenceWhateverTheBucketing() {
    Random rng = new Random(5);
    int n = 300;
    double[] a = precisionLike(rng, n, 5);
    double[] b = precisionLike(rng, n, 4);
    Wilcoxon w = wilcoxonReference(a, b);
    assertTrue(w.nonZero() < n - 20, "the data must have zero differences: " + w.nonZero());
    assertTrue(w.tieSum() > 1000, "the data must have heavy ties: " + w.tieSum());
    Dataset<Row> perUser = table(rows("A", "Precision", 10, 0, a), rows("B", "Precision", 10, 0, b));
    for (int buckets : new int[] {1, 2, 7, PairedTests.RANK_BUCKETS}) {
      PairedTests.Result r = PairedTests.compare(perUser, "A", "B", "Precision", 10, buckets);
      assertMatchesReferences(r, a, b);
    }
    // Ties must be averaged and zeros dropped: the test with zeros kept (commons-math3) differs.
    assertTrue(Math.abs(w.p() - new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, false)) > 1e-3);
  }

  @Test
  void wilcoxonWithoutTiesOrZerosMatchesCommonsMath() {
    Random rng = new Random(3);
    int n = 30;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rng.nextDouble();
      b[i] = a[i] - 0.1 + 0.4 * rng.nextDouble();
    }
    Wilcoxon w = wilcoxonReference(a, b);
    assertEquals(n, w.nonZero());
    assertEquals(0.0, w.tieSum());
    PairedTests.Result r = PairedTests.compare(
        table(rows("A", "Recall", 20, 100, a), rows("B", "Recall", 20, 100, b)), "A", "B", "Recall", 20);
    assertMatchesReferences(r, a, b);

    // commons-math3 3.6.1 keeps zero differences, has no tie correction (neither matters here),
    // reports W = max(W+, W-), and computes z = (min(W+, W-) - E - 0.5) / sd: a 0.5 shift away
    // from the mean. So: W+ recovered from our z must give its W exactly (integer ranks), and its
    // p must equal 2 Phi(-|z| - 0.5 / sd), to 1e-12 (both are erfc at arguments equal up to rounding).
    double mean = n * (n + 1) / 4.0;
    double sd = Math.sqrt(n * (n + 1) * (2 * n + 1) / 24.0);
    double wPlus = r.wilcoxonZ() * sd + mean;
    WilcoxonSignedRankTest commons = new WilcoxonSignedRankTest();
    assertEquals(commons.wilcoxonSignedRank(a, b), Math.max(wPlus, n * (n + 1) / 2.0 - wPlus), 1e-9);
    double commonsP = commons.wilcoxonSignedRankTest(a, b, false);
    assertEquals(commonsP, 2 * PHI.cumulativeProbability(-Math.abs(r.wilcoxonZ()) - 0.5 / sd), 1e-12);
    assertTrue(r.wilcoxonP() > commonsP, "no continuity shift here: " + r.wilcoxonP() + " vs " + commonsP);
    assertTrue(r.wilcoxonP() > 1e-4 && r.wilcoxonP() < 0.9, "Wilcoxon p " + r.wilcoxonP());
  }

  @Test
  void identicalModelsHavePOne() {
    Random rng = new Random(8);
    double[] a = precisionLike(rng, 50, 6);
    PairedTests.Result r = PairedTests.compare(
        table(rows("A", "Precision", 10, 0, a), rows("B", "Precision", 10, 0, a.clone())),
        "A", "B", "Precision", 10);
    assertEquals(50, r.users());
    assertEquals(mean(a), r.meanA(), 1e-12);
    assertEquals(r.meanA(), r.meanB());
    assertEquals(0.0, r.tStatistic());
    assertEquals(1.0, r.tTestP());
    assertEquals(0.0, r.wilcoxonZ());
    assertEquals(1.0, r.wilcoxonP());
  }

  @Test
  void clearlyDifferentModelsHaveTinyPAndSwappingFlipsTheSign() {
    Random rng = new Random(21);
    int n = 200;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      b[i] = 0.2 + 0.1 * rng.nextDouble();
      a[i] = b[i] + 0.05 + 0.05 * rng.nextGaussian();
    }
    Dataset<Row> perUser = table(rows("NCF", "nDCG", 10, 0, a), rows("ItemKNN", "nDCG", 10, 0, b));
    PairedTests.Result r = PairedTests.compare(perUser, "NCF", "ItemKNN", "nDCG", 10);
    assertMatchesReferences(r, a, b);
    assertTrue(r.tTestP() < 1e-6, "t-test p " + r.tTestP());
    assertTrue(r.wilcoxonP() < 1e-6, "Wilcoxon p " + r.wilcoxonP());
    assertTrue(r.tStatistic() > 5 && r.wilcoxonZ() > 5, r.toString());

    PairedTests.Result swapped = PairedTests.compare(perUser, "ItemKNN", "NCF", "nDCG", 10);
    assertMatchesReferences(swapped, b, a);
    assertEquals(-r.tStatistic(), swapped.tStatistic(), 1e-9);
    assertEquals(-r.wilcoxonZ(), swapped.wilcoxonZ(), 1e-9);
    assertEquals(r.tTestP(), swapped.tTestP(), 1e-12);
  }

  @Test
  void onlyPairedUsersOfTheRequestedModelsMetricAndCutoffCount() {
    Random rng = new Random(99);
    double[] a = precisionLike(rng, 80, 6);   // users 0..79
    double[] b = precisionLike(rng, 90, 4);   // users 30..119
    double[] noise = IntStream.range(0, 120).mapToDouble(i -> 100.0 * rng.nextDouble()).toArray();
    Dataset<Row> perUser = table(
        rows("A", "Precision", 10, 0, a), rows("B", "Precision", 10, 30, b),
        rows("A", "Precision", 5, 0, noise), rows("A", "Recall", 10, 0, noise),
        rows("A", "Precision", null, 0, noise), rows("C", "Precision", 10, 0, noise),
        rows("B", "Precision", 20, 0, noise), rows("B", "nDCG", 10, 0, noise));
    PairedTests.Result r = PairedTests.compare(perUser, "A", "B", "Precision", 10);
    double[] pairedA = Arrays.copyOfRange(a, 30, 80);
    double[] pairedB = Arrays.copyOfRange(b, 0, 50);
    assertEquals(50, r.users());
    assertMatchesReferences(r, pairedA, pairedB);
  }

  @Test
  void nullCutoffSelectsTheRowsWithoutCutoff() {
    Random rng = new Random(4);
    int n = 120;
    double[] a = IntStream.range(0, n).mapToDouble(i -> 0.9 + 0.2 * rng.nextGaussian()).toArray();
    double[] b = IntStream.range(0, n).mapToDouble(i -> a[i] + 0.02 + 0.1 * rng.nextGaussian()).toArray();
    double[] other = IntStream.range(0, n).mapToDouble(i -> 5 * rng.nextDouble()).toArray();
    Dataset<Row> perUser = table(rows("A", "RMSE", null, 0, a), rows("B", "RMSE", null, 0, b),
        rows("A", "RMSE", 10, 0, other), rows("B", "RMSE", 10, 0, a));
    PairedTests.Result r = PairedTests.compare(perUser, "A", "B", "RMSE", null);
    assertEquals(null, r.cutoff());
    assertMatchesReferences(r, a, b);

    assertMatchesReferences(PairedTests.compare(perUser, "A", "B", "RMSE", 10), other, a);
  }

  @Test
  void fewerThanTwoPairedUsersGiveNaN() {
    Dataset<Row> perUser = table(rows("A", "nDCG", 10, 0, new double[] {0.5, 0.2}),
        rows("B", "nDCG", 10, 1, new double[] {0.1, 0.3}));
    PairedTests.Result one = PairedTests.compare(perUser, "A", "B", "nDCG", 10);
    assertEquals(new PairedTests.Result("A", "B", "nDCG", 10, 1, 0.2, 0.1,
        Double.NaN, Double.NaN, Double.NaN, Double.NaN), one);

    PairedTests.Result none = PairedTests.compare(perUser, "A", "Missing", "nDCG", 10);
    assertEquals(0, none.users());
    assertTrue(Double.isNaN(none.meanA()) && Double.isNaN(none.meanB()) && Double.isNaN(none.tTestP())
        && Double.isNaN(none.wilcoxonP()), none.toString());
  }

  @Test
  void constantNonZeroDifferenceIsInfinitelySignificantForTheTTest() {
    double[] b = {0.25, 0.5, 0.75, 0.0, 0.125};
    double[] a = Arrays.stream(b).map(x -> x + 0.25).toArray();
    PairedTests.Result r = PairedTests.compare(
        table(rows("A", "MAP", 10, 0, a), rows("B", "MAP", 10, 0, b)), "A", "B", "MAP", 10);
    assertEquals(Double.POSITIVE_INFINITY, r.tStatistic());
    assertEquals(0.0, r.tTestP());
    Wilcoxon w = wilcoxonReference(a, b);
    assertEquals(w.z(), r.wilcoxonZ(), TOL);
    assertEquals(w.p(), r.wilcoxonP(), TOL);
  }

  @Test
  void rejectsDuplicateRowsNonFiniteValuesAndTheSameModelTwice() {
    double[] v = {0.1, 0.2, 0.3};
    Dataset<Row> duplicated = table(rows("A", "nDCG", 10, 0, v), rows("B", "nDCG", 10, 0, v),
        rows("B", "nDCG", 10, 2, new double[] {0.4}));
    assertMessage("several rows for one user of model 'B'", () -> PairedTests.compare(duplicated, "A", "B", "nDCG", 10));
    Dataset<Row> nan = table(rows("A", "nDCG", 10, 0, v), rows("B", "nDCG", 10, 0, new double[] {0.1, Double.NaN, 0.3}));
    assertMessage("1 paired users have a NaN or infinite value", () -> PairedTests.compare(nan, "A", "B", "nDCG", 10));
    Dataset<Row> infinite = table(rows("A", "nDCG", 10, 0, new double[] {0.1, Double.NEGATIVE_INFINITY}),
        rows("B", "nDCG", 10, 0, v));
    assertMessage("1 paired users have a NaN or infinite value", () -> PairedTests.compare(infinite, "A", "B", "nDCG", 10));
    assertMessage("the same model", () -> PairedTests.compare(nan, "A", "A", "nDCG", 10));
    assertMessage("lack column 'cutoff'", () -> PairedTests.compare(nan.drop("cutoff"), "A", "B", "nDCG", 10));
    // A NaN for a user of only one model is not paired, hence harmless; a null value is no value.
    Dataset<Row> unpairedNaN = table(rows("A", "nDCG", 10, 0, new double[] {0.1, 0.2, 0.3, Double.NaN}),
        rows("B", "nDCG", 10, 0, new double[] {0.3, 0.1, 0.2}),
        List.of(RowFactory.create("B", 3, "nDCG", 10, null)));
    assertMatchesReferences(PairedTests.compare(unpairedNaN, "A", "B", "nDCG", 10), v, new double[] {0.3, 0.1, 0.2});
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
