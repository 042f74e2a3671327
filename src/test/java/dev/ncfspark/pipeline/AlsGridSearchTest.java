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
  @Test
  @SuppressWarnings("unchecked")
  void gridPicksTheBestValidationHr() throws Exception {
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), TestRuns.ml100kBaselines()).run(Set.of(), false);
    Path run = Path.of(o.runPath().replace("file:", ""));
    List<Map<String, Object>> grid = (List<Map<String, Object>>) (List<?>) Json.readList(Files.readString(run.resolve("evaluate/als_grid.json")));
    assertEquals(2, grid.size());
    double hr2 = ((Number) grid.get(0).get("validation_hr_at_10")).doubleValue();
    double hr16 = ((Number) grid.get(1).get("validation_hr_at_10")).doubleValue();
    assertTrue(hr2 > 0.05 && hr16 > 0.05 && hr2 != hr16, grid.toString());
    assertTrue(Files.readString(run.resolve("metrics.json")).contains("\"als\""), "ALS is evaluated");
    Map<String, Object> manifest = Json.readMap(Files.readString(run.resolve("manifest.json")));
    Map<String, Object> evaluate = ((List<Map<String, Object>>) manifest.get("stages")).stream()
        .filter(s -> "evaluate".equals(s.get("name"))).findFirst().orElseThrow();
    Map<String, Object> chosen = (Map<String, Object>) ((Map<String, Object>) evaluate.get("details")).get("als_params");
    assertEquals(hr2 > hr16 ? 2 : 16, ((Number) chosen.get("rank")).intValue(), "the rank with the best validation HR@10 is used: " + grid);
  }
}
