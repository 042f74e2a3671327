package dev.ncfspark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.models.PairScorer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** HR/NDCG/MRR on a case computed by hand, with pessimistic ties and a positive among its own negatives. */
class SampledRankingEvaluatorTest {
  private static final StructType PAIRS = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType);
  private static final StructType NEGATIVES = new StructType().add("user_idx", DataTypes.IntegerType)
      .add("negative_items", DataTypes.createArrayType(DataTypes.IntegerType));

  /** Scores from a fixed table; pairs not in it score NaN. */
  private static PairScorer fixed(Map<String, Double> scores) {
    return pairs -> {
      SparkSession spark = pairs.sparkSession();
      List<Row> rows = scores.entrySet().stream().map(e -> {
        String[] ui = e.getKey().split(":");
        return RowFactory.create(Integer.parseInt(ui[0]), Integer.parseInt(ui[1]), e.getValue());
      }).toList();
      Dataset<Row> table = spark.createDataFrame(rows, PAIRS.add("score", DataTypes.DoubleType));
      return pairs.join(table, new String[] {"user_idx", "item_idx"}, "left");
    };
  }

  @Test
  void handComputedRanks() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> positives = spark.createDataFrame(List.of(RowFactory.create(0, 10), RowFactory.create(1, 20), RowFactory.create(2, 30)), PAIRS);
    Dataset<Row> negatives = spark.createDataFrame(List.of(
        RowFactory.create(0, List.of(1, 2, 3, 4)),
        RowFactory.create(1, List.of(1, 2, 20, 3)),   // contains its positive: ranked without the duplicate
        RowFactory.create(2, List.of(1, 2, 3, 4))), NEGATIVES);
    Map<String, Double> s = new HashMap<>();
    // user 0: positive 0.5; negatives 0.9, 0.5 (tie -> counted above), 0.1, 0.2 -> rank 3
    s.put("0:10", 0.5); s.put("0:1", 0.9); s.put("0:2", 0.5); s.put("0:3", 0.1); s.put("0:4", 0.2);
    // user 1: positive best -> rank 1
    s.put("1:20", 0.8); s.put("1:1", 0.1); s.put("1:2", 0.2); s.put("1:3", 0.3);
    // user 2: positive unscored (NaN) -> last: rank 5
    s.put("2:1", 0.1); s.put("2:2", 0.2); s.put("2:3", 0.3); s.put("2:4", 0.4);
    Dataset<Row> candidates = SampledRankingEvaluator.candidates(positives, negatives);
    assertEquals(5 + 4 + 5, candidates.count(), "user 1's duplicate positive is not a negative");
    assertEquals(1, SampledRankingEvaluator.listsContainingThePositive(positives, negatives));

    Map<String, Double> v = new HashMap<>();
    new SampledRankingEvaluator(List.of(1, 3)).evaluate(fixed(s), candidates).collectAsList()
        .forEach(r -> v.put(r.getInt(0) + ":" + r.getString(1) + "@" + r.getInt(2), r.getDouble(3)));
    assertEquals(0.0, v.get("0:HR@1"));
    assertEquals(1.0, v.get("0:HR@3"));
    assertEquals(1.0 / 2.0, v.get("0:NDCG@3"), 1e-12); // 1 / log2(3 + 1)
    assertEquals(1.0 / 3.0, v.get("0:MRR@3"), 1e-12);
    assertEquals(1.0, v.get("1:HR@1"));
    assertEquals(1.0, v.get("1:NDCG@1"), 1e-12);
    assertEquals(0.0, v.get("2:HR@3"));
    assertEquals(0.0, v.get("2:NDCG@3"));
  }

  @Test
  void aConstantModelIsNotRewardedByTies() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> positives = spark.createDataFrame(List.of(RowFactory.create(0, 10)), PAIRS);
    Dataset<Row> negatives = spark.createDataFrame(List.of(RowFactory.create(0, List.of(1, 2, 3))), NEGATIVES);
    PairScorer constant = pairs -> pairs.withColumn("score", org.apache.spark.sql.functions.lit(1.0));
    List<Row> r = new SampledRankingEvaluator(List.of(3, 4)).evaluate(constant, SampledRankingEvaluator.candidates(positives, negatives))
        .where("metric = 'HR'").orderBy("cutoff").collectAsList();
    assertEquals(0.0, r.get(0).getDouble(3), "rank 4 of 4, not 1");
    assertEquals(1.0, r.get(1).getDouble(3));
  }
}
