package dev.ncfspark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.models.NaiveRatingPredictor;
import dev.ncfspark.models.NaiveRatingPredictor.Kind;
import dev.ncfspark.models.RatingPredictor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** RMSE/MAE on a hand-computed case, and the naive rating baselines (mean, majority with its tie rule, random draws). */
class RatingErrorEvaluatorTest {
  private static final StructType RATINGS = new StructType().add("user_idx", DataTypes.IntegerType)
      .add("item_idx", DataTypes.IntegerType).add("rating", DataTypes.DoubleType);

  private static Dataset<Row> ratings(double... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(RowFactory.create(i % 2, i, values[i]));
    }
    return SparkTestSession.get().createDataFrame(rows, RATINGS);
  }

  /** A large grid of (user, item) pairs to draw random predictions for. */
  private static Dataset<Row> grid(int n) {
    return SparkTestSession.get().range(n).selectExpr("cast(id % 200 as int) as user_idx", "cast(id div 200 as int) as item_idx",
        "cast(3.0 as double) as rating");
  }

  private static List<Double> predictions(RatingPredictor model, Dataset<Row> pairs) {
    return model.predict(pairs).orderBy("user_idx", "item_idx").collectAsList().stream()
        .map(r -> r.getDouble(r.fieldIndex("prediction"))).toList();
  }

  @Test
  void rmseAndMaeHandComputed() {
    SparkSession spark = SparkTestSession.get();
    // users 0,1,0,2; ratings 4,3,5,1; predictions 3.5,3,3,2 -> errors 0.5, 0, 2, 1
    Dataset<Row> test = spark.createDataFrame(List.of(RowFactory.create(0, 0, 4.0), RowFactory.create(1, 1, 3.0),
        RowFactory.create(0, 2, 5.0), RowFactory.create(2, 3, 1.0)), RATINGS);
    RatingPredictor model = pairs -> pairs.withColumn("prediction",
        org.apache.spark.sql.functions.expr("CASE item_idx WHEN 0 THEN 3.5D WHEN 1 THEN 3.0D WHEN 2 THEN 3.0D ELSE 2.0D END"));
    Map<String, Row> v = new HashMap<>();
    RatingErrorEvaluator.evaluate(model, test).collectAsList().forEach(r -> v.put(r.getString(0), r));
    assertEquals(Set.of("RMSE", "MAE"), v.keySet());
    assertEquals(Math.sqrt((0.25 + 0 + 4 + 1) / 4), v.get("RMSE").getDouble(2), 1e-12);
    assertEquals((0.5 + 0 + 2 + 1) / 4, v.get("MAE").getDouble(2), 1e-12);
    assertTrue(v.get("RMSE").isNullAt(1), "cutoff is null");
    assertEquals(3L, ((Number) v.get("MAE").get(3)).longValue(), "distinct users");
  }

  @Test
  void globalMeanAndMajority() {
    Dataset<Row> train = ratings(5, 4, 4, 1, 3);
    Dataset<Row> test = ratings(2, 2, 2);
    assertEquals(List.of(3.4, 3.4, 3.4), predictions(NaiveRatingPredictor.fit(train, Kind.GLOBAL_MEAN, 1), test));
    assertEquals(List.of(4.0, 4.0, 4.0), predictions(NaiveRatingPredictor.fit(train, Kind.MAJORITY_RATING, 1), test));
    // GLOBAL_MEAN through the evaluator: errors |3.4 - 2| = 1.4 for every row
    Map<String, Double> v = new HashMap<>();
    RatingErrorEvaluator.evaluate(NaiveRatingPredictor.fit(train, Kind.GLOBAL_MEAN, 1), test).collectAsList()
        .forEach(r -> v.put(r.getString(0), r.getDouble(2)));
    assertEquals(1.4, v.get("MAE"), 1e-12);
    assertEquals(1.4, v.get("RMSE"), 1e-12);
  }

  @Test
  void majorityTieGoesToTheSmallestRating() {
    // 5 and 2 each appear twice, 3 once: the tie is broken towards the smaller rating
    Dataset<Row> train = ratings(5, 2, 3, 5, 2);
    assertEquals(List.of(2.0, 2.0), predictions(NaiveRatingPredictor.fit(train, Kind.MAJORITY_RATING, 1), ratings(4, 4)));
  }

  @Test
  void uniformRandomRatingStaysBetweenTrainMinAndMaxAndIsSeeded() {
    Dataset<Row> train = ratings(2, 5, 3, 4, 2);
    Dataset<Row> pairs = grid(4000);
    List<Double> a = predictions(NaiveRatingPredictor.fit(train, Kind.RANDOM_RATING, 7), pairs);
    List<Double> b = predictions(NaiveRatingPredictor.fit(train, Kind.RANDOM_RATING, 7), pairs);
    List<Double> c = predictions(NaiveRatingPredictor.fit(train, Kind.RANDOM_RATING, 8), pairs);
    assertEquals(4000, a.size());
    assertEquals(a, b, "same seed, same predictions");
    assertNotEquals(a, c, "another seed, other predictions");
    // the code draws min + u * (max - min), u in [0, 1): a continuous value in [2, 5)
    assertTrue(a.stream().allMatch(x -> x >= 2.0 && x < 5.0), "within [train min, train max)");
    double mean = a.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertEquals(3.5, mean, 0.1, "uniform on [2, 5)");
    assertTrue(a.stream().mapToDouble(Double::doubleValue).min().orElseThrow() < 2.05);
    assertTrue(a.stream().mapToDouble(Double::doubleValue).max().orElseThrow() > 4.95);
  }

  @Test
  void frequencyRandomRatingDrawsOnlyTrainValuesWithTrainFrequencies() {
    // train: 1 x1 (10%), 3 x3 (30%), 4 x6 (60%); 2 and 5 never appear
    Dataset<Row> train = ratings(1, 3, 3, 3, 4, 4, 4, 4, 4, 4);
    Dataset<Row> pairs = grid(20000);
    List<Double> a = predictions(NaiveRatingPredictor.fit(train, Kind.FREQUENCY_RANDOM_RATING, 11), pairs);
    List<Double> b = predictions(NaiveRatingPredictor.fit(train, Kind.FREQUENCY_RANDOM_RATING, 11), pairs);
    assertEquals(a, b, "same seed, same predictions");
    assertNotEquals(a, predictions(NaiveRatingPredictor.fit(train, Kind.FREQUENCY_RANDOM_RATING, 12), pairs));
    Map<Double, Long> counts = new HashMap<>();
    a.forEach(x -> counts.merge(x, 1L, Long::sum));
    assertEquals(Set.of(1.0, 3.0, 4.0), counts.keySet(), "only values seen in train");
    assertEquals(0.1, counts.get(1.0) / 20000.0, 0.02);
    assertEquals(0.3, counts.get(3.0) / 20000.0, 0.02);
    assertEquals(0.6, counts.get(4.0) / 20000.0, 0.02);
  }
}
