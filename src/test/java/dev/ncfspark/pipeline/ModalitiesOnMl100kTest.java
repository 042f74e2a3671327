package dev.ncfspark.pipeline;

import dev.ncfspark.data.Checkpoints;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.features.ExternalFeatures;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.data.filter.ImplicitFeedback;
import dev.ncfspark.data.filter.ModalityFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * External item modalities on ml-100k: a required "visual" Parquet file that lacks every seventh
 * movie, and an optional CSV "audio" file for the first 500. The filter stage drops the movies
 * without a visual vector after core-5 (MMRec's ML-1M rule) or before it, each result equal to
 * the same steps done here by hand, the drops counted and kept in filter/rejected; the features
 * stage exports both modalities by dense id.
 */
class ModalitiesOnMl100kTest {
  private static Path visual;
  private static Path audio;

  @BeforeAll
  static void featureFiles() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path dir = TestRuns.OUTPUT.resolve("modality-files");
    visual = dir.resolve("visual.parquet");
    audio = dir.resolve("audio.csv");
    if (!Files.exists(visual)) {
      List<Row> rows = new ArrayList<>();
      for (long item = 1; item <= 1682; item++) {
        if (item % 7 != 0) {
          // directions all different (collinear vectors would be one point once centred)
          rows.add(RowFactory.create(item, new float[] {(float) Math.sin(item), (float) Math.cos(item)}));
        }
      }
      StructType schema = new StructType().add("movie_id", DataTypes.LongType).add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
      spark.createDataFrame(rows, schema).coalesce(2).write().parquet(visual.toString());
      StringBuilder csv = new StringBuilder("item,a,b,c\n");
      for (long item = 1; item <= 500; item++) {
        csv.append(item).append(",1,").append(item).append(",-1\n");
      }
      Files.createDirectories(dir);
      Files.writeString(audio, csv);
    }
  }

  private static ExperimentConfig config(String runId, String rule) {
    return TestRuns.ml100k("run.id=" + runId, "features.missing-modality=" + rule,
        "features.external=[{name = visual, path = \"" + visual + "\", id-column = movie_id, vector-column = embedding},"
            + " {name = audio, path = \"" + audio + "\", format = csv, required = false}]");
  }

  /** The shared run's implicit-feedback output (ingest, duplicates resolved), the input of core-k. */
  private static Dataset<Row> implicitKept() {
    RunPipeline.Outcome shared = new RunPipeline(SparkTestSession.get(), TestRuns.ml100k()).run(new LinkedHashSet<>(List.of("ingest")), false);
    Path run = Path.of(shared.runPath().replace("file:", ""));
    return new ImplicitFeedback(TestRuns.ml100k().implicitFeedback())
        .apply(SparkTestSession.get().read().parquet(run.resolve(IngestStage.INTERACTIONS).toString()),
            Checkpoints.temporary(SparkTestSession.get())).kept();
  }

  @Test
  @SuppressWarnings("unchecked")
  void afterCoreKTheItemsWithoutTheRequiredModalityAreDroppedAndCounted() throws Exception {
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), config("ml100k-modalities-after", "after-core-k"))
        .run(new LinkedHashSet<>(List.of("ingest", "filter", "index", "features")), false);
    Path run = Path.of(o.runPath().replace("file:", ""));
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> coreK = new CoreKFilter(TestRuns.ml100k().coreK(), Checkpoints.temporary(SparkTestSession.get())).apply(implicitKept()).kept();
    Dataset<Row> expected = coreK.where(col(Columns.ITEM).mod(7).notEqual(0));
    Dataset<Row> kept = spark.read().parquet(run.resolve(FilterStage.INTERACTIONS).toString());
    assertSameRows(expected, kept);
    Dataset<Row> rejected = spark.read().parquet(run.resolve(FilterStage.REJECTED).toString())
        .where(col(Columns.REASON).equalTo(ModalityFilter.REASON));
    long droppedRows = coreK.count() - expected.count();
    assertTrue(droppedRows > 1000, "every seventh movie's ratings: " + droppedRows);
    assertEquals(droppedRows, rejected.count());
    Map<String, Object> filter = o.stats().get("filter").details();
    long droppedItems = coreK.where(col(Columns.ITEM).mod(7).equalTo(0)).select(Columns.ITEM).distinct().count();
    assertEquals(droppedItems, ((Number) filter.get("items_dropped_for_missing_modalities")).longValue());
    assertEquals(droppedItems, ((Number) ((Map<String, Object>) filter.get("items_lacking_a_modality")).get("visual")).longValue());
    assertEquals(List.of("visual"), filter.get("required_modalities"), "audio is optional");
    assertEquals(droppedRows, ((Number) ((Map<String, Object>) filter.get("rejected_by_reason")).get(ModalityFilter.REASON)).longValue());

    // the features stage: both modalities for every dense item, row k = item_idx k
    Dataset<Row> items = spark.read().parquet(run.resolve(IndexStage.ITEMS).toString());
    long n = items.count();
    Map<String, Map<String, Object>> modalities = (Map<String, Map<String, Object>>) o.stats().get("features").details().get("modalities");
    assertEquals(n, ((Number) modalities.get("visual").get("items_with_vector")).longValue(), "every kept item has a visual vector");
    assertEquals(2, ((Number) modalities.get("visual").get("dimension")).intValue());
    Dataset<Row> audioTable = spark.read().parquet(run.resolve(FeaturesStage.modalityTable("audio")).toString());
    assertEquals(n, audioTable.count());
    long withAudio = items.where(col(Columns.ITEM).leq(500)).count();
    assertEquals(withAudio, audioTable.where(col(ExternalFeatures.VECTOR).isNotNull()).count());
    assertEquals(withAudio, ((Number) modalities.get("audio").get("items_with_vector")).longValue());
    assumeTrue(NumPyCheck.available(), "python3 with numpy is not installed (Debian: python3-numpy)");
    NumPyCheck.rowKIsDenseIdK(run.resolve(FeaturesStage.modalityNpy("visual")),
        spark.read().parquet(run.resolve(FeaturesStage.modalityTable("visual")).toString()), Columns.ITEM_IDX, ExternalFeatures.VECTOR, 2);
    NumPyCheck.rowKIsDenseIdK(run.resolve(FeaturesStage.modalityNpy("audio")), audioTable, Columns.ITEM_IDX, ExternalFeatures.VECTOR, 3);
  }

  /** content-knn on an external modality instead of the text embeddings: fitted from features/modality_visual, scored like any model. */
  @Test
  @SuppressWarnings("unchecked")
  void contentKnnScoresWithAnExternalModality() throws Exception {
    ExperimentConfig cfg = TestRuns.ml100k("run.id=ml100k-modalities-after", "features.missing-modality=after-core-k",
        "features.external=[{name = visual, path = \"" + visual + "\", id-column = movie_id, vector-column = embedding},"
            + " {name = audio, path = \"" + audio + "\", format = csv, required = false}]",
        "models.enabled=[content-knn]", "models.content-knn.modality=visual", "evaluation.full-ranking.enabled=false");
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), cfg).run(java.util.Set.of(), false);
    List<Object> metrics = dev.ncfspark.io.Json.readList(Files.readString(Path.of(o.runPath().replace("file:", "")).resolve("metrics.json")));
    assertTrue(metrics.stream().map(m -> (Map<String, Object>) m)
        .anyMatch(m -> "content-knn".equals(m.get("model")) && "HR".equals(m.get("metric")) && ((Number) m.get("value")).doubleValue() > 0),
        metrics.toString());
  }

  @Test
  void beforeCoreKCoreKRunsOnTheItemsWithTheModality() {
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), config("ml100k-modalities-before", "before-core-k"))
        .run(new LinkedHashSet<>(List.of("ingest", "filter")), false);
    Path run = Path.of(o.runPath().replace("file:", ""));
    Dataset<Row> implicit = implicitKept();
    Dataset<Row> expected = new CoreKFilter(TestRuns.ml100k().coreK(), Checkpoints.temporary(SparkTestSession.get())).apply(implicit.where(col(Columns.ITEM).mod(7).notEqual(0))).kept();
    assertSameRows(expected, SparkTestSession.get().read().parquet(run.resolve(FilterStage.INTERACTIONS).toString()));
    long missing = implicit.where(col(Columns.ITEM).mod(7).equalTo(0)).count();
    assertEquals(missing, SparkTestSession.get().read().parquet(run.resolve(FilterStage.REJECTED).toString())
        .where(col(Columns.REASON).equalTo(ModalityFilter.REASON)).count(), "dropped before core-k: all their ratings");
  }

  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    Dataset<Row> e = expected.select(Columns.USER, Columns.ITEM, Columns.RATING, Columns.TIMESTAMP);
    Dataset<Row> a = actual.select(Columns.USER, Columns.ITEM, Columns.RATING, Columns.TIMESTAMP);
    assertEquals(e.count(), a.count());
    assertEquals(0, e.exceptAll(a).count());
  }
}
