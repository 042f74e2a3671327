package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole preparation on ml-100k: outputs, markers, manifest, reuse and stage-by-stage runs. */
class RunPipelineTest {
  @TempDir Path out;

  private ExperimentConfig config(String... extra) {
    List<String> overrides = new ArrayList<>(List.of(
        "dataset.format=movielens",
        "dataset.path=" + SparkTestSession.sharedData("ml-100k").toAbsolutePath(),
        "run.output=" + out.toAbsolutePath()));
    overrides.addAll(List.of(extra));
    return ExperimentConfigLoader.load(Optional.empty(), overrides);
  }

  @Test
  @SuppressWarnings("unchecked")
  void preparationThenReuseThenOnlyTheChangedStage() throws Exception {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig config = TestRuns.ml100k();
    Set<String> prepare = Set.copyOf(RunPipeline.PREPARE);
    RunPipeline.Outcome first = new RunPipeline(spark, config).run(prepare, true);
    assertEquals(Map.of("ingest", "ran", "filter", "ran", "index", "ran", "features", "ran", "split", "ran", "negatives", "ran"), first.status());
    assertEquals(100_000, first.stats().get("ingest").rows());
    assertEquals(943, first.stats().get("filter").users());
    assertEquals(943, first.stats().get("index").users());
    Path run = Path.of(first.runPath().replace("file:", ""));
    for (String stage : RunPipeline.PREPARE) {
      assertTrue(Files.exists(run.resolve(stage).resolve("_SUCCESS")), stage);
    }
    assertTrue(Files.isDirectory(run.resolve("split/interactions/split=train")));
    assertTrue(Files.isDirectory(run.resolve("negatives/train/epoch=0")));

    Map<String, Object> manifest = Json.readMap(Files.readString(run.resolve("manifest.json")));
    List<Map<String, Object>> stages = (List<Map<String, Object>>) manifest.get("stages");
    assertEquals(RunPipeline.PREPARE, stages.stream().map(s -> s.get("name")).toList());
    for (Map<String, Object> s : stages) {
      assertTrue(s.containsKey("rows") && s.containsKey("users") && s.containsKey("items") && s.containsKey("seconds"), s.toString());
    }
    List<Map<String, Object>> inputs = (List<Map<String, Object>>) manifest.get("inputs");
    assertEquals("06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490", inputs.get(0).get("sha256"));
    Map<String, Object> filterDetails = (Map<String, Object>) stages.get(1).get("details");
    assertTrue(((List<?>) filterDetails.get("core_k_rounds")).size() >= 2);
    assertEquals("3.5.5", ((Map<String, Object>) manifest.get("versions")).get("spark"));
    Map<String, Object> recordedConfig = (Map<String, Object>) manifest.get("config");
    assertEquals(Json.readMap(config.toJson()), recordedConfig, "the manifest records the whole effective configuration");
    assertEquals(5, ((Number) ((Map<String, Object>) recordedConfig.get("filter")).get("user-k")).intValue());
    Map<String, Object> negatives = (Map<String, Object>) stages.get(RunPipeline.PREPARE.indexOf("negatives")).get("details");
    assertEquals(Map.of("test", 943, "validation", 943), negatives.get("eval_users"));

    RunPipeline.Outcome again = new RunPipeline(spark, config).run(prepare, false);
    assertTrue(again.status().values().stream().allMatch("reused"::equals), again.status().toString());
    assertEquals(first.runPath(), again.runPath());

    assertNotEquals(RunPipeline.runId(config("negatives.eval.count=50")), RunPipeline.runId(config()),
        "without run.id, a changed config is a new run");
    RunPipeline.Outcome changed = new RunPipeline(spark, TestRuns.ml100k("negatives.eval.count=50")).run(prepare, false);
    assertEquals("reused", changed.status().get("split"));
    assertEquals("ran", changed.status().get("negatives"), "only the stage whose config changed is recomputed");
    RunPipeline.Outcome back = new RunPipeline(spark, config).run(prepare, false);
    assertEquals("ran", back.status().get("negatives"));
  }

  @Test
  void theEmbeddedDefaultRunsOnGeneratedSyntheticData() {
    ExperimentConfig config = ExperimentConfigLoader.load(Optional.empty(), List.of(
        "dataset.synthetic.scale=0.001", "dataset.synthetic.dir=" + out.resolve("data"), "run.output=" + out.resolve("runs"),
        "models.ncf.epochs=1"));
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), config).run(Set.of(), false);
    assertEquals(20_000, o.stats().get("ingest").rows(), "round(20,000,263 * 0.001) ratings");
    assertEquals(138, o.stats().get("ingest").users());
    assertTrue(RunPipeline.runId(config).startsWith("synthetic-0.001-"), RunPipeline.runId(config));
    assertEquals(o.stats().get("filter").users(), ((Map<?, ?>) o.stats().get("negatives").details().get("eval_users")).get("test"));
    assertEquals("ran", o.status().get("train"));
    Path run = Path.of(o.runPath().replace("file:", ""));
    assertTrue(Files.exists(run.resolve("train/neumf/model.zip")));
    // the synthetic movies.csv has genres but no users file: item features only
    assertEquals(o.stats().get("index").items(), o.stats().get("features").items());
    assertEquals(false, o.stats().get("features").details().get("has_user_features"));
    assertTrue(Files.exists(run.resolve("features/npy/item_genres.npy")));
    assertTrue(!Files.exists(run.resolve("features/users")) && !Files.exists(run.resolve("features/npy/user_demographics.npy")));
  }

  /**
   * The features are a side output: split, run alone, does not need them; computing them (or
   * changing their configuration) leaves the split's fingerprint, hence its output, as it was.
   */
  @Test
  void theFeaturesAreNoUpstreamOfTheSplit() {
    SparkSession spark = SparkTestSession.get();
    new RunPipeline(spark, config("run.id=side")).run(Set.of("ingest", "filter", "index"), false);
    RunPipeline.Outcome split = new RunPipeline(spark, config("run.id=side")).run(Set.of("split"), false);
    assertEquals(Map.of("ingest", "reused", "filter", "reused", "index", "reused", "split", "ran"), split.status(),
        "features, not asked for and not finished, is skipped");
    RunPipeline.Outcome features = new RunPipeline(spark, config("run.id=side")).run(Set.of("features"), false);
    assertEquals("ran", features.status().get("features"));
    RunPipeline.Outcome untagged = new RunPipeline(spark, config("run.id=side", "features.tags=false")).run(Set.of("features", "split"), false);
    assertEquals("ran", untagged.status().get("features"), "a changed features section recomputes the features");
    assertEquals("reused", untagged.status().get("split"), "and nothing after them");
  }

  /**
   * 999 negatives on ml-100k (1,682 items): the heaviest users have fewer unseen items. The
   * negatives stage counts them per split and the report's protocol line says how many test users
   * were ranked against fewer candidates.
   */
  @Test
  void usersRankedAgainstFewerCandidatesAreReported() throws Exception {
    ExperimentConfig cfg = TestRuns.ml100k("run.id=ml100k-short-lists", "negatives.eval.count=999", "models.enabled=[most-pop]",
        "evaluation.full-ranking.enabled=false");
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), cfg).run(Set.of(), false);
    Object counted = o.stats().get("negatives").details().get("test_users_with_fewer_free_items_than_count");
    long shortTest = ((Number) counted).longValue();
    assertTrue(shortTest > 0 && shortTest < 943, "short test lists: " + shortTest);
    String report = Files.readString(Path.of(o.runPath().replace("file:", "")).resolve("report/report.md"));
    assertTrue(report.contains(shortTest + " test users have fewer than 999 items they never interacted with"), report);
  }

  /**
   * A generic table without a rating column (implicit clicks): the ranking models are evaluated,
   * the rating-prediction models are skipped with the reason in the manifest, not scored on 1.0s.
   */
  @Test
  void ratingModelsAreSkippedOnATableWithoutRatings() throws Exception {
    StringBuilder csv = new StringBuilder("user,item,timestamp\n");
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int u = 1; u <= 60; u++) {
      for (int n = 0; n < 12; n++) {
        csv.append(u).append(',').append(1 + random.nextInt(40)).append(',').append(1_000_000 + u * 100 + n).append('\n');
      }
    }
    Path clicks = Files.writeString(out.resolve("clicks.csv"), csv);
    ExperimentConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("dataset.format=generic",
        "dataset.generic.path=" + clicks.toAbsolutePath(), "dataset.generic.columns.rating=\"\"", "run.output=" + out.resolve("runs"),
        "run.id=clicks", "models.enabled=[most-pop, global-mean, als-explicit]", "evaluation.full-ranking.enabled=false",
        "negatives.eval.count=20"));
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), cfg).run(Set.of(), false);
    Map<String, Object> evaluated = o.stats().get("evaluate").details();
    assertEquals(List.of("most-pop"), evaluated.get("models"));
    assertEquals(Set.of("global-mean", "als-explicit"), ((Map<?, ?>) evaluated.get("skipped_models")).keySet());
    String metrics = Files.readString(Path.of(o.runPath().replace("file:", "")).resolve("metrics.json"));
    assertTrue(metrics.contains("most-pop") && !metrics.contains("RMSE"), metrics);
  }

  @Test
  void aStageAloneNeedsItsUpstream() {
    SparkSession spark = SparkTestSession.get();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new RunPipeline(spark, config("run.id=alone")).run(Set.of("split"), false));
    assertTrue(e.getMessage().contains("stage ingest has no finished output"), e.getMessage());
    RunPipeline.Outcome ingest = new RunPipeline(spark, config("run.id=alone")).run(Set.of("ingest"), false);
    assertEquals(Map.of("ingest", "ran"), ingest.status());
    RunPipeline.Outcome filter = new RunPipeline(spark, config("run.id=alone")).run(Set.of("filter"), false);
    assertEquals(Map.of("ingest", "reused", "filter", "ran"), filter.status());
    assertThrows(IllegalArgumentException.class, () -> new RunPipeline(spark, config()).run(Set.of("fit"), false));
  }
}
