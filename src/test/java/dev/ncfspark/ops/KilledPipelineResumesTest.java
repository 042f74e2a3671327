package dev.ncfspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.pipeline.RunPipeline;
import dev.ncfspark.pipeline.TestRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Idempotence: the preparation, run as its own JVM through spark-submit, killed (kill -9) in the
 * middle of split and restarted with the same command, finishes with tables identical to an uninterrupted run (the suite's shared ml-100k preparation, in this
 * JVM); the restart reuses the stages finished before the kill and recomputes the killed one and
 * those after it. (S3PipelineTest kills a job in the middle of a write to S3.)
 */
class KilledPipelineResumesTest {
  private static final Path DIR = Path.of("target", "killed-pipeline-test").toAbsolutePath();
  private static final List<String> TABLES = List.of("ingest/interactions", "ingest/items", "ingest/users", "filter/interactions",
      "filter/rejected", "index/users", "index/items", "split/interactions", "negatives/eval", "negatives/train");

  @Test
  void killedInSeveralStagesAndRestartedGivesTheUninterruptedOutputs() throws Exception {
    TestFiles.deleteRecursively(DIR);
    Files.createDirectories(DIR);
    List<String> overrides = List.of("dataset.format=movielens", "dataset.path=" + SparkTestSession.sharedData("ml-100k").toAbsolutePath(),
        "run.id=resume");

    List<String> kills = List.of("split");
    List<String> finishedBefore = List.of();
    Path run = DIR.resolve("killed").resolve("resume");
    for (String stage : kills) {
      try (ChildProcess job = submit(overrides, DIR.resolve("killed"), "killed-in-" + stage)) {
        Instant end = Instant.now().plus(Duration.ofMinutes(5));
        while (!job.log().contains("stage " + stage + ": running")) {
          assertTrue(job.isAlive() && Instant.now().isBefore(end), stage + " never started: " + job.logTail(4000));
          Thread.sleep(50);
        }
        Thread.sleep(1500);
        assertTrue(job.isAlive(), "still in " + stage + ": " + job.logTail(3000));
        String log = job.log();
        for (String done : finishedBefore) {
          assertTrue(log.contains("stage " + done + ": reused"), done + " is reused after the restart: " + job.logTail(3000));
        }
        assertFalse(log.contains("stage " + stage + ": " + "reused"));
        job.close(); // kill -9 of the whole process tree
        assertFalse(Files.exists(run.resolve(stage).resolve("_SUCCESS")), stage + " was killed before it finished");
      }
      // the next start reuses what finished before this kill
      finishedBefore = RunPipeline.PREPARE.subList(0, RunPipeline.PREPARE.indexOf(stage));
    }
    try (ChildProcess job = submit(overrides, DIR.resolve("killed"), "restart")) {
      Optional<Integer> code = job.waitFor(Duration.ofMinutes(8));
      assertEquals(Optional.of(0), code, job.logTail(6000));
      String log = job.log();
      for (String s : List.of("ingest", "filter", "index", "features")) {
        assertTrue(log.matches("(?s).*\\n" + s + " +reused .*"), s + " reused by the restart: " + job.logTail(3000));
      }
      for (String s : List.of("split", "negatives")) {
        assertTrue(log.matches("(?s).*\\n" + s + " +ran .*"), s + " recomputed by the restart: " + job.logTail(3000));
      }
    }

    // the uninterrupted reference: the suite's shared ml-100k run (same preparation config), reused when it exists
    RunPipeline.Outcome reference = new RunPipeline(SparkTestSession.get(), TestRuns.ml100k()).run(new LinkedHashSet<>(RunPipeline.PREPARE), false);
    Path expected = Path.of(reference.runPath().replace("file:", ""));
    SparkSession spark = SparkTestSession.get();
    for (String table : TABLES) {
      Dataset<Row> a = spark.read().parquet(expected.resolve(table).toString());
      Dataset<Row> b = spark.read().parquet(run.resolve(table).toString());
      assertEquals(a.count(), b.count(), table);
      assertEquals(0, a.exceptAll(b).count(), table);
      assertEquals(0, b.exceptAll(a).count(), table);
    }
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return out;
  }

  /** {@code spark-submit ... prepare} on local[2] as its own JVM, the same command every time. */
  private static ChildProcess submit(List<String> overrides, Path output, String name) {
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx1g"));
    cmd.addAll(JavaFlags.java17Opens());
    cmd.add("-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath().toUri());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--properties-file", Path.of("conf/spark-local.properties").toAbsolutePath().toString(),
        "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.local.dir=" + DIR.resolve("spark-local"),
        "--class", "dev.ncfspark.cli.Main", "spark-internal", "prepare"));
    for (String o : concat(overrides, "run.output=" + output)) {
      cmd.addAll(List.of("--set", o));
    }
    return ChildProcess.start(name, cmd, Map.of("SPARK_LOCAL_IP", "127.0.0.1"), Path.of("").toAbsolutePath(), DIR.resolve(name + ".log"));
  }
}
