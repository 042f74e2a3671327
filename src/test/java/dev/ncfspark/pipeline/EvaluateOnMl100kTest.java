package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluation half on real data: ml-100k, all ratings as positives, core-5, leave-one-out,
 * 99 negatives, fixed seed. ALS must beat MostPop, MostPop must beat Random (HR@10 about 0.10 by
 * construction); outputs (metrics, recommendations, report) are all there.
 */
class EvaluateOnMl100kTest {
  private static RunPipeline.Outcome outcome;
  private static Map<String, Double> metrics;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void run() throws Exception {
    outcome = new RunPipeline(SparkTestSession.get(),
        TestRuns.ml100kBaselines()).run(Set.of(), false);
    metrics = new HashMap<>();
    Path run = Path.of(outcome.runPath().replace("file:", ""));
    for (Object o : Json.readList(Files.readString(run.resolve("metrics.json")))) {
      Map<String, Object> m = (Map<String, Object>) o;
      metrics.put(m.get("model") + "/" + m.get("protocol") + "/" + m.get("metric") + "@" + m.get("cutoff"), ((Number) m.get("value")).doubleValue());
    }
  }

  @Test
  void alsBeatsMostPopBeatsRandom() {
    double random = metrics.get("random/sampled/HR@10");
    double pop = metrics.get("most-pop/sampled/HR@10");
    double als = metrics.get("als/sampled/HR@10");
    assertTrue(random > 0.06 && random < 0.14, "Random HR@10 is about 10/100: " + random);
    assertTrue(pop > random + 0.15, "MostPop " + pop + " vs Random " + random);
    assertTrue(als > pop + 0.03, "ALS " + als + " vs MostPop " + pop);
    assertTrue(metrics.get("als/sampled/NDCG@10") > metrics.get("most-pop/sampled/NDCG@10"));
    assertTrue(metrics.get("als/full/Recall@10") > metrics.get("random/full/Recall@10"));
    assertTrue(metrics.get("als-explicit/rating/RMSE@null") < metrics.get("global-mean/rating/RMSE@null") + 0.05);
    assertTrue(metrics.get("frequency-random-rating/rating/RMSE@null") > metrics.get("global-mean/rating/RMSE@null"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void outputsAreComplete() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path run = Path.of(outcome.runPath().replace("file:", ""));
    Dataset<Row> m = spark.read().parquet(run.resolve("metrics").toString());
    assertEquals(List.of("run_id", "dataset", "split", "protocol", "metric", "cutoff", "value", "users", "model"), List.of(m.columns()));
    Dataset<Row> recs = spark.read().parquet(run.resolve("recommendations").toString());
    assertEquals(0, recs.groupBy("model", "user").count().where("count <> 10").count(), "10 recommendations per user and model");
    assertEquals(300, recs.where("model = 'als'").select("user").distinct().count());
    List<Map<String, Object>> tests = (List<Map<String, Object>>) (List<?>) Json.readList(Files.readString(run.resolve("evaluate/significance.json")));
    Map<String, Object> alsVsPop = tests.stream().filter(t -> t.get("model_a").equals("als")).findFirst().orElseThrow();
    assertTrue(((Number) alsVsPop.get("t_test_p")).doubleValue() < 0.05, alsVsPop.toString());
    String html = Files.readString(run.resolve("report/index.html"));
    assertTrue(html.contains("<td>als</td>") && html.contains("most-pop"), "the report lists the models");
    String md = Files.readString(run.resolve("report/report.md"));
    assertTrue(md.contains("HR@10") && md.contains("| als |"), md.substring(0, Math.min(2000, md.length())));
    assertTrue(Files.list(run.resolve("report/plots")).anyMatch(p -> p.toString().endsWith(".png")));
    assertTrue(md.contains("full ranking over unseen items for 300 test users (a seeded sample of at most 300)"),
        "the report says how many users full ranking covered");

    Map<String, Object> manifest = Json.readMap(Files.readString(run.resolve("manifest.json")));
    Map<String, Object> evaluate = ((List<Map<String, Object>>) manifest.get("stages")).stream()
        .filter(s -> "evaluate".equals(s.get("name"))).findFirst().orElseThrow();
    Map<String, Map<String, Object>> summary = (Map<String, Map<String, Object>>) ((Map<String, Object>) evaluate.get("details")).get("metric_summary");
    assertEquals(metrics.get("als/sampled/HR@10"), ((Number) summary.get("als").get("sampled/HR@10")).doubleValue(), 1e-12);
    assertEquals(metrics.get("als-explicit/rating/RMSE@null"), ((Number) summary.get("als-explicit").get("rating/RMSE")).doubleValue(), 1e-12);
    assertTrue(summary.get("random").containsKey("full/Recall@10") && !summary.get("random").containsKey("sampled/HR@20"), summary.toString());
  }

  /**
   * The few-interaction segment: the test users whose held-out item has at most 5 training rows,
   * counted and evaluated apart, its MostPop HR@10 recomputed here from the per-user metrics, the
   * train split and the test split, and its table in the report.
   */
  @Test
  @SuppressWarnings("unchecked")
  void theFewInteractionSegmentIsTheTestUsersOfRarelySeenItems() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path run = Path.of(outcome.runPath().replace("file:", ""));
    Dataset<Row> splits = spark.read().parquet(run.resolve(SplitStage.INTERACTIONS).toString());
    splits.createOrReplaceTempView("few_splits");
    spark.read().parquet(run.resolve(EvaluateStage.PER_USER).toString()).createOrReplaceTempView("few_per_user");
    List<Row> expected = spark.sql("WITH pop AS (SELECT item_idx, count(*) AS n FROM few_splits WHERE split = 'train' GROUP BY item_idx),"
        + " few AS (SELECT t.user_idx FROM few_splits t LEFT JOIN pop p ON t.item_idx = p.item_idx WHERE t.split = 'test'"
        + " GROUP BY t.user_idx HAVING max(coalesce(p.n, 0)) <= 5)"
        + " SELECT (SELECT count(*) FROM few) AS users, avg(value) AS hr FROM few_per_user"
        + " WHERE model = 'most-pop' AND protocol = 'sampled' AND metric = 'HR' AND cutoff = 10"
        + " AND user_idx IN (SELECT user_idx FROM few)").collectAsList();
    long users = expected.get(0).getLong(0);
    // core-5 leaves every item at least 5 ratings: few held-out items have at most 5 in train (8 of 943 here)
    assertTrue(users >= 5 && users < 100, "a few of ml-100k's 943 test users: " + users);

    Map<String, Object> manifest = Json.readMap(Files.readString(run.resolve("manifest.json")));
    Map<String, Object> details = (Map<String, Object>) ((List<Map<String, Object>>) manifest.get("stages")).stream()
        .filter(s -> "evaluate".equals(s.get("name"))).findFirst().orElseThrow().get("details");
    assertEquals(users, ((Number) details.get("few_interaction_users")).longValue());
    assertEquals(5, ((Number) details.get("few_interactions")).intValue());
    Map<String, Double> few = new HashMap<>();
    Map<String, Long> fewUsers = new HashMap<>();
    for (Object o : Json.readList(Files.readString(run.resolve(EvaluateStage.FEW_INTERACTION_METRICS)))) {
      Map<String, Object> m = (Map<String, Object>) o;
      String key = m.get("model") + "/" + m.get("protocol") + "/" + m.get("metric") + "@" + m.get("cutoff");
      few.put(key, ((Number) m.get("value")).doubleValue());
      fewUsers.put(key, ((Number) m.get("users")).longValue());
    }
    assertEquals(expected.get(0).getDouble(1), few.get("most-pop/sampled/HR@10"), 1e-12);
    assertEquals(users, fewUsers.get("most-pop/sampled/HR@10"));
    assertTrue(few.get("most-pop/sampled/HR@10") < metrics.get("most-pop/sampled/HR@10") - 0.1,
        "popularity cannot rank rarely seen items: " + few.get("most-pop/sampled/HR@10") + " against " + metrics.get("most-pop/sampled/HR@10"));
    assertTrue(fewUsers.get("als/full/Recall@10") <= users, "full ranking covers a sample of the users");
    String md = Files.readString(run.resolve("report/report.md"));
    assertTrue(md.contains("## Metrics on items with few training interactions") && md.contains(String.format(java.util.Locale.ROOT, "%,d", users)
        + " test users whose test items have at most 5 training interactions each"), md);
  }
}
