package dev.ncfspark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.models.RandomScorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.mllib.evaluation.RankingMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The full-ranking metrics equal MLlib's RankingMetrics on the same top-K lists, and a hand-computed case. */
class FullRankingEvaluatorTest {
  private static final StructType PAIRS = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType);

  @Test
  void agreesWithMllibRankingMetrics() {
    SparkSession spark = SparkTestSession.get();
    java.util.Random r = new java.util.Random(5);
    List<Row> train = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    List<Row> items = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      items.add(RowFactory.create(i));
    }
    for (int u = 0; u < 40; u++) {
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (int j = 0; j < 8; j++) {
        int i = r.nextInt(60);
        if (seen.add(i)) {
          (j < 5 ? train : test).add(RowFactory.create(u, i));
        }
      }
    }
    Dataset<Row> trainDf = spark.createDataFrame(train, PAIRS);
    Dataset<Row> testDf = spark.createDataFrame(test, PAIRS);
    Dataset<Row> itemDf = spark.createDataFrame(items, new StructType().add("item_idx", DataTypes.IntegerType));
    List<Integer> cutoffs = List.of(1, 5, 10);
    FullRankingEvaluator evaluator = new FullRankingEvaluator(cutoffs, 10);
    Dataset<Row> top = evaluator.topK(new RandomScorer(3), FullRankingEvaluator.users(testDf, 0, 1), itemDf, trainDf).cache();
    assertEquals(0, top.join(trainDf, new String[] {"user_idx", "item_idx"}, "left_semi").count(), "train items are never recommended");
    Map<String, Double> ours = new HashMap<>();
    PerUserMetrics.means(PerUserMetrics.forModel(evaluator.perUser(top, testDf), "m")).collectAsList()
        .forEach(x -> ours.put(x.getString(1) + "@" + x.getInt(2), x.getDouble(3)));

    // the same lists through MLlib
    Map<Integer, List<Integer>> predicted = new HashMap<>();
    top.orderBy("user_idx", "rank").collectAsList().forEach(x -> predicted.computeIfAbsent(x.getInt(0), k -> new ArrayList<>()).add(x.getInt(1)));
    Map<Integer, List<Integer>> relevant = new HashMap<>();
    test.forEach(x -> relevant.computeIfAbsent(x.getInt(0), k -> new ArrayList<>()).add(x.getInt(1)));
    List<Tuple2<Object, Object>> pairs = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> e : relevant.entrySet()) {
      pairs.add(new Tuple2<>(predicted.get(e.getKey()).toArray(new Integer[0]), e.getValue().toArray(new Integer[0])));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    RankingMetrics<Integer> mllib = new RankingMetrics(
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(pairs).rdd(),
        scala.reflect.ClassTag$.MODULE$.apply(Integer.class));
    for (int k : cutoffs) {
      assertEquals(mllib.precisionAt(k), ours.get("Precision@" + k), 1e-12, "Precision@" + k);
      assertEquals(mllib.recallAt(k), ours.get("Recall@" + k), 1e-12, "Recall@" + k);
      assertEquals(mllib.ndcgAt(k), ours.get("NDCG@" + k), 1e-12, "NDCG@" + k);
      assertEquals(mllib.meanAveragePrecisionAt(k), ours.get("MAP@" + k), 1e-12, "MAP@" + k);
    }
  }

  @Test
  void handComputedCase() {
    SparkSession spark = SparkTestSession.get();
    // user 0's top-3 is [5, 6, 7]; relevant {6, 9}: hits [0, 1, 0]
    StructType topSchema = PAIRS.add("score", DataTypes.DoubleType).add("rank", DataTypes.IntegerType);
    Dataset<Row> top = spark.createDataFrame(List.of(RowFactory.create(0, 5, 0.9, 1), RowFactory.create(0, 6, 0.8, 2),
        RowFactory.create(0, 7, 0.7, 3)), topSchema);
    Dataset<Row> test = spark.createDataFrame(List.of(RowFactory.create(0, 6), RowFactory.create(0, 9)), PAIRS);
    Map<String, Double> v = new HashMap<>();
    new FullRankingEvaluator(List.of(3), 3).perUser(top, test).collectAsList().forEach(x -> v.put(x.getString(1), x.getDouble(3)));
    assertEquals(1.0 / 3, v.get("Precision"), 1e-12);
    assertEquals(0.5, v.get("Recall"), 1e-12);
    assertEquals((1 / (Math.log(3) / Math.log(2))) / (1 + 1 / (Math.log(3) / Math.log(2))), v.get("NDCG"), 1e-12);
    assertEquals((1.0 / 2) / 2, v.get("MAP"), 1e-12);
  }

  @Test
  void beyondAccuracyHandComputed() {
    SparkSession spark = SparkTestSession.get();
    StructType topSchema = PAIRS.add("score", DataTypes.DoubleType).add("rank", DataTypes.IntegerType);
    // top-3 lists: user 0 [1, 2, 3], user 1 [2, 4, 5]; at K = 2: user 0 [1, 2], user 1 [2, 4]
    Dataset<Row> top = spark.createDataFrame(List.of(
        RowFactory.create(0, 1, 0.9, 1), RowFactory.create(0, 2, 0.8, 2), RowFactory.create(0, 3, 0.7, 3),
        RowFactory.create(1, 2, 0.9, 1), RowFactory.create(1, 4, 0.8, 2), RowFactory.create(1, 5, 0.7, 3)), topSchema);
    // item 4 has no popularity row: counted as 0
    Dataset<Row> popularity = spark.createDataFrame(List.of(RowFactory.create(1, 10.0), RowFactory.create(2, 4.0),
        RowFactory.create(3, 7.0), RowFactory.create(5, 1.0), RowFactory.create(9, 100.0)),
        new StructType().add("item_idx", DataTypes.IntegerType).add("popularity", DataTypes.DoubleType));
    Map<String, Row> v = new HashMap<>();
    FullRankingEvaluator.beyondAccuracy(top, popularity, 10, 2).collectAsList().forEach(x -> v.put(x.getString(0), x));
    assertEquals(2, v.size());
    // distinct items {1, 2, 4} of a catalogue of 10
    assertEquals(3.0 / 10, v.get("Coverage").getDouble(2), 1e-12);
    assertEquals(2, v.get("Coverage").getInt(1));
    // popularity per recommendation (item 2 twice): (10 + 4 + 4 + 0) / 4
    assertEquals(18.0 / 4, v.get("MeanPopularity").getDouble(2), 1e-12);
    assertEquals(2, v.get("MeanPopularity").getInt(1));
  }
}
