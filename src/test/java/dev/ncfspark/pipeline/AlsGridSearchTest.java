package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The optional ALS grid is searched on the validation split, and the chosen combination is the best one. */
class AlsGridSearchTest {
  /** Every stage but the report: the grid is written by evaluate. */
  private static final Set<String> UP_TO_EVALUATE = Set.of("ingest", "filter", "index", "split", "negatives", "train", "evaluate");

  @Test
  @SuppressWarnings("unchecked")
  void gridPicksTheBestValidationHr() throws Exception {
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), TestRuns.ml100k(
        "models.enabled=[als]", "models.als.grid.rank=[2, 16]", "models.als.max-iter=5",
        "evaluation.full-ranking.enabled=false")).run(UP_TO_EVALUATE, false);
    Path run = Path.of(o.runPath().replace("file:", ""));
    List<Map<String, Object>> grid = (List<Map<String, Object>>) (List<?>) Json.readList(Files.readString(run.resolve("evaluate/als_grid.json")));
    assertEquals(2, grid.size());
    double hr2 = ((Number) grid.get(0).get("validation_hr_at_10")).doubleValue();
    double hr16 = ((Number) grid.get(1).get("validation_hr_at_10")).doubleValue();
    assertTrue(hr2 > 0.05 && hr16 > 0.05 && hr2 != hr16, grid.toString());
    assertEquals(1, ((List<?>) o.stats().get("evaluate").details().get("models")).size());
  }
}
