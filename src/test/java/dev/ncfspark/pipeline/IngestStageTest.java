package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.ingest.IngestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest stage's outputs: interactions, and the rejected lines only from a second parse when some line did not parse. */
class IngestStageTest {
  @TempDir Path dir;

  private RunPipeline.Outcome ingest(String ratingsCsv, String badRows) throws Exception {
    Path data = Files.createDirectories(dir.resolve("ml"));
    Files.writeString(data.resolve("ratings.csv"), ratingsCsv);
    return new RunPipeline(SparkTestSession.get(), TestRuns.ml100k("dataset.path=" + data, "run.output=" + dir.resolve("runs"),
        "run.id=ingest", "dataset.bad-rows=" + badRows)).run(Set.of("ingest"), true);
  }

  @Test
  void skippedLinesGoToRejectedWithTheirLineNumbers() throws Exception {
    RunPipeline.Outcome out = ingest("userId,movieId,rating,timestamp\n1,2,3.0,100\n\n1,3,99,101\n2,3,4.5,5\n", "skip");
    assertEquals(2, out.stats().get("ingest").rows());
    assertEquals(1L, ((Number) out.stats().get("ingest").details().get("rejected_lines")).longValue());
    List<Row> rejected = SparkTestSession.get().read().parquet(out.runPath() + "/" + IngestStage.REJECTED).collectAsList();
    assertEquals(1, rejected.size());
    assertEquals(4L, rejected.get(0).getLong(1));
    assertEquals("1,3,99,101", rejected.get(0).getString(2));
  }

  @Test
  void aCleanFileHasAnEmptyRejectedTable() throws Exception {
    RunPipeline.Outcome out = ingest("userId,movieId,rating,timestamp\n1,2,3.0,100\n2,3,4.5,5\n", "skip");
    assertEquals(2, out.stats().get("ingest").rows());
    assertEquals(0L, ((Number) out.stats().get("ingest").details().get("rejected_lines")).longValue());
    assertEquals(0, SparkTestSession.get().read().parquet(out.runPath() + "/" + IngestStage.REJECTED).count());
  }

  @Test
  void failModeStopsAtTheFirstBadLineAndLeavesNoInteractions() throws Exception {
    IngestException e = assertThrows(IngestException.class,
        () -> ingest("userId,movieId,rating,timestamp\n1,2,3.0,100\n1,3,x,101\n1,4,y,102\n", "fail"));
    assertTrue(e.getMessage().contains(":3") || e.getMessage().contains("line 3"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("runs/ingest/" + IngestStage.INTERACTIONS)));
  }
}
