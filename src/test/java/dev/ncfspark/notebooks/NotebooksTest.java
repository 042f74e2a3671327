package dev.ncfspark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncfspark.SparkTestSession;
import dev.ncfspark.io.Json;
import dev.ncfspark.pipeline.RunPipeline;
import dev.ncfspark.pipeline.TestRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analysis notebooks in {@code notebooks/}: stored without outputs, and executed with Debian's
 * {@code jupyter nbconvert --execute} (Debian's python3 with pandas and matplotlib, no pyarrow) on the
 * shared ml-100k run, the run folder passed through {@code NCF_RUN}. The executed copies are in
 * {@code target/notebooks/}.
 */
class NotebooksTest {
  static final Path NOTEBOOKS = Path.of("notebooks").toAbsolutePath();
  static final Path EXECUTED = Path.of("target", "notebooks").toAbsolutePath();
  static final String NBCONVERT = System.getProperty("ncf.nbconvert", "/usr/bin/jupyter-nbconvert");
  static final String INSTALL = "apt-get install -y --no-install-recommends jupyter-nbconvert python3-ipykernel"
      + " python3-pandas python3-matplotlib";

  private static Path run;

  @BeforeAll
  static void sharedRun() {
    // the same models as EvaluateOnMl100kTest, so that in the whole suite the run is computed once
    RunPipeline.Outcome outcome = new RunPipeline(SparkTestSession.get(), TestRuns.ml100kBaselines()).run(Set.of(), false);
    run = Path.of(outcome.runPath().replace("file:", ""));
  }

  @Test
  void committedNotebooksHaveNoOutputs() throws IOException {
    for (String name : List.of("results.ipynb", "data.ipynb")) {
      JsonNode nb = Json.mapper().readTree(NOTEBOOKS.resolve(name).toFile());
      assertEquals(4, nb.get("nbformat").asInt(), name);
      assertEquals("python3", nb.at("/metadata/kernelspec/name").asText(), name);
      List<JsonNode> code = new ArrayList<>();
      nb.get("cells").forEach(c -> {
        if (c.get("cell_type").asText().equals("code")) {
          code.add(c);
        }
      });
      assertFalse(code.isEmpty(), name);
      for (JsonNode c : code) {
        assertEquals(0, c.get("outputs").size(), name + ": a code cell has stored outputs (clear them before committing)");
        assertTrue(c.get("execution_count").isNull(), name + ": a code cell has an execution count");
      }
      JsonNode first = code.get(0);
      assertTrue(first.at("/metadata/tags").toString().contains("\"parameters\""), name + ": the first code cell is the parameter cell");
      assertTrue(text(first.get("source")).contains("NCF_RUN"), name + ": the run folder is a parameter");
    }
  }

  @Test
  void resultsNotebook() throws Exception {
    String out = execute("results", Map.of("NCF_MODEL_A", "als", "NCF_MODEL_B", "most-pop"));
    assertTrue(out.contains("ml100k-shared"), "the run id is shown");
    for (String model : List.of("als", "most-pop", "random", "global-mean")) {
      assertTrue(out.contains(model), model + " is in the side-by-side table");
    }
    assertTrue(out.contains("HR@10") && out.contains("NDCG@10") && out.contains("RMSE"), "the table's columns");
    // data statistics of the preparation stages, straight from the manifest
    assertTrue(out.contains("99287") || out.contains("99,287"), "rows after filter");
    assertTrue(out.contains("97401") || out.contains("97,401"), "train rows");
    // per-user distributions: the users evaluated by both models
    assertTrue(out.contains("943 users"), "943 test users in the per-user comparison");
    String curves = Files.readString(run.resolve("report/exports/training_curves.csv"));
    if (curves.strip().lines().count() <= 1) {
      assertTrue(out.contains("No training curves in this run"), "the notebook says there are no curves");
    } else {
      assertFalse(out.contains("No training curves in this run"));
    }
    assertTrue(images(out) >= 4, "HR@K, NDCG@K, stage and per-user plots: " + images(out));
  }

  @Test
  void dataNotebook() throws Exception {
    String out = execute("data", Map.of());
    assertTrue(out.contains("ml100k-shared"), "the run id is shown");
    assertTrue(out.contains("before_core_k") && out.contains("after_core_k"), "activity before and after core-k");
    assertTrue(out.contains("97401") || out.contains("97,401"), "split sizes");
    assertTrue(out.contains("positives among negatives: 0 -- ok"), "the sanity check passed and says so");
    // the exported frequencies add up to the manifest's counts
    long[] afterCoreK = totals("after_core_k", "user");
    assertEquals(943, afterCoreK[0]);
    assertEquals(99_287, afterCoreK[1]);
    assertEquals(1_349, totals("after_core_k", "item")[0]);
    assertEquals(100_000, totals("before_core_k", "item")[1]);
    assertEquals(97_401, totals("train", "user")[1]);
    assertFalse(out.contains("FAILED"));
    assertTrue(images(out) >= 3, "activity, popularity and split plots: " + images(out));
  }

  @Test
  void dataNotebookStopsWhenANegativeIsAPositive() throws Exception {
    // a copy of the run's manifest and exports, with 3 positives among the test negatives
    Path broken = EXECUTED.resolve("broken-run");
    Files.createDirectories(broken.resolve("report/exports"));
    Files.copy(run.resolve("manifest.json"), broken.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(run.resolve("report/exports/activity.csv"), broken.resolve("report/exports/activity.csv"),
        StandardCopyOption.REPLACE_EXISTING);
    List<String> checks = new ArrayList<>(Files.readAllLines(run.resolve("report/exports/negatives_check.csv")));
    int test = checks.indexOf(checks.stream().filter(l -> l.startsWith("eval,test,")).findFirst().orElseThrow());
    checks.set(test, checks.get(test).replaceAll(",0$", ",3"));
    Files.write(broken.resolve("report/exports/negatives_check.csv"), checks);
    Result r = nbconvert("data", "data-broken-run", broken, Map.of());
    assertFalse(r.exitCode() == 0, "the data notebook must stop on a failed check");
    assertTrue(r.console().contains("AssertionError: negatives sanity checks failed for ['eval/test']"), r.console());
  }

  /** Executes notebooks/NAME.ipynb on the shared run; returns the executed notebook's outputs after checking it has no errors. */
  private static String execute(String name, Map<String, String> env) throws Exception {
    Result r = nbconvert(name, name, run, env);
    assertEquals(0, r.exitCode(), "nbconvert failed on " + name + ".ipynb:\n" + r.console());
    return r.outputs();
  }

  private record Result(int exitCode, String console, String outputs) {}

  /** Executes notebooks/NAME.ipynb on a run folder into target/notebooks/OUTPUT.ipynb (and OUTPUT.log). */
  private static Result nbconvert(String name, String output, Path runFolder, Map<String, String> env) throws Exception {
    if (!Files.isExecutable(Path.of(NBCONVERT))) {
      fail(NBCONVERT + " is missing: the notebook tests need Debian's Jupyter, pandas and matplotlib: " + INSTALL
          + " (.ci/run installs them)");
    }
    Files.createDirectories(EXECUTED);
    Path executed = EXECUTED.resolve(output + ".ipynb");
    Files.deleteIfExists(executed);
    Path log = EXECUTED.resolve(output + ".log");
    ProcessBuilder pb = new ProcessBuilder(NBCONVERT, "--to", "notebook", "--execute",
        "--ExecutePreprocessor.timeout=600", "--output-dir", EXECUTED.toString(), "--output", output,
        NOTEBOOKS.resolve(name + ".ipynb").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("NCF_RUN", runFolder.toString());
    pb.environment().remove("MPLBACKEND"); // the notebooks draw inline
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in notebooks/
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("nbconvert did not finish in 15 minutes: " + log);
    }
    String console = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      return new Result(p.exitValue(), console, "");
    }
    JsonNode nb = Json.mapper().readTree(executed.toFile());
    StringBuilder all = new StringBuilder();
    for (JsonNode c : nb.get("cells")) {
      for (JsonNode o : c.path("outputs")) {
        assertFalse(o.get("output_type").asText().equals("error"), name + ": error output " + o);
        if (o.has("name") && o.get("name").asText().equals("stderr")) {
          String err = text(o.get("text"));
          assertFalse(err.contains("Traceback"), name + ": stderr " + err);
        }
        all.append(o).append('\n');
      }
    }
    return new Result(0, console, all.toString());
  }

  /** Users (or items) and interactions of one table of report/exports/activity.csv. */
  private static long[] totals(String table, String entity) throws IOException {
    List<String> lines = Files.readAllLines(run.resolve("report/exports/activity.csv"));
    assertEquals("table,entity,interactions,count", lines.get(0));
    long[] t = new long[2];
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (f[0].equals(table) && f[1].equals(entity)) {
        t[0] += Long.parseLong(f[3]);
        t[1] += Long.parseLong(f[2]) * Long.parseLong(f[3]);
      }
    }
    return t;
  }

  private static long images(String outputs) {
    return Stream.of(outputs.split("\n")).filter(l -> l.contains("\"image/png\"")).count();
  }

  private static String text(JsonNode source) {
    if (source.isArray()) {
      StringBuilder s = new StringBuilder();
      source.forEach(line -> s.append(line.asText()));
      return s.toString();
    }
    return source.asText();
  }
}
