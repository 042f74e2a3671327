package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.models.PairScorer;
import dev.ncfspark.models.RandomScorer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The NCF paper's ML-1M evaluation files (../shared/data/ncf-ml-1m), parsed with built-in Spark
 * functions: 6,040 users, 156 negatives lists containing their own positive, and that duplicate is
 * not ranked as a negative tying with the positive.
 */
class NcfPaperNegativesTest {
  private static Dataset<Row> positives;
  private static Dataset<Row> negatives;

  @BeforeAll
  static void parse() {
    SparkSession spark = SparkTestSession.get();
    // ml-1m.test.rating: user \t item \t rating \t timestamp
    positives = spark.read().text(SparkTestSession.sharedData("ncf-ml-1m/ml-1m.test.rating").toString())
        .select(split(col("value"), "\t").as("p"))
        .select(col("p").getItem(0).cast("int").as("user_idx"), col("p").getItem(1).cast("int").as("item_idx"))
        .cache();
    // ml-1m.test.negative: (user,item) \t neg1 \t ... \t neg99
    negatives = spark.read().text(SparkTestSession.sharedData("ncf-ml-1m/ml-1m.test.negative").toString())
        .select(split(col("value"), "\t").as("p"))
        .select(regexp_extract(col("p").getItem(0), "^\\((\\d+),(\\d+)\\)$", 1).cast("int").as("user_idx"),
            regexp_extract(col("p").getItem(0), "^\\((\\d+),(\\d+)\\)$", 2).cast("int").as("_listed_positive"),
            expr("transform(slice(p, 2, size(p) - 1), x -> cast(x as int))").as("negative_items"))
        .cache();
  }

  @AfterAll
  static void release() {
    positives.unpersist();
    negatives.unpersist();
  }

  @Test
  void filesParseIntoTheEvaluatorsInput() {
    assertEquals(6040, positives.count());
    assertEquals(6040, positives.select("user_idx").distinct().count());
    assertEquals(6040, negatives.count());
    assertEquals(0, negatives.where("user_idx IS NULL OR _listed_positive IS NULL OR size(negative_items) <> 99"
        + " OR exists(negative_items, x -> x IS NULL)").count(), "every line: (user,item) and 99 int ids");
    // the (user,item) head of each negatives line is the held-out test pair
    assertEquals(6040, positives.join(negatives, positives.col("user_idx").equalTo(negatives.col("user_idx"))
        .and(positives.col("item_idx").equalTo(negatives.col("_listed_positive")))).count());
    assertEquals(156, SampledRankingEvaluator.listsContainingThePositive(positives, negatives));
    // each list ranks the positive and its 99 negatives, minus the duplicate positive in 156 lists
    assertEquals(6040L * 100 - 156, SampledRankingEvaluator.candidates(positives, negatives).count());
  }

  @Test
  void duplicatedPositiveDoesNotTieWithThePositive() {
    Dataset<Row> candidates = SampledRankingEvaluator.candidates(positives, negatives).cache();
    // positive on top: 1.0 for the held-out (user, item), 0.0 for every other candidate; had the
    // duplicate stayed as a negative it would tie at 1.0 and, with pessimistic ties, rank the positive 2nd
    Dataset<Row> top = positives.withColumn("_s", lit(1.0D));
    PairScorer positiveOnTop = pairs -> pairs.join(top, new String[] {"user_idx", "item_idx"}, "left")
        .withColumn(PairScorer.SCORE, coalesce(col("_s"), lit(0.0D))).drop("_s");
    Map<String, Double> m = means(new SampledRankingEvaluator(List.of(1, 10)).evaluate(positiveOnTop, candidates));
    assertEquals(1.0, m.get("HR@10"), 0.0);
    assertEquals(1.0, m.get("HR@1"), 0.0);
    assertEquals(1.0, m.get("NDCG@10"), 1e-12);
    assertEquals(1.0, m.get("users"), 0.0);

    // and a seeded random scorer stays near the 10/100 floor
    Map<String, Double> r = means(new SampledRankingEvaluator(List.of(10)).evaluate(new RandomScorer(42), candidates));
    assertEquals(0.10, r.get("HR@10"), 0.02);
    candidates.unpersist();
  }

  /** Mean over users per metric@cutoff; "users" = 1.0 when every metric covers all 6,040 users. */
  private static Map<String, Double> means(Dataset<Row> perUser) {
    Map<String, Double> m = new HashMap<>();
    boolean allUsers = true;
    for (Row r : perUser.groupBy("metric", "cutoff").agg(expr("avg(value)"), expr("count(distinct user_idx)")).collectAsList()) {
      m.put(r.getString(0) + "@" + r.getInt(1), r.getDouble(2));
      allUsers &= r.getLong(3) == 6040;
    }
    m.put("users", allUsers ? 1.0 : 0.0);
    return m;
  }
}
