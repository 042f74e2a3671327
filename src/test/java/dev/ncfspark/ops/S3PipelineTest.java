package dev.ncfspark.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.io.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The preparation on S3: ml-100k read from s3a:// and the run written to s3a:// through the S3A
 * magic committer (conf/spark-s3.properties), against S3Proxy on loopback with signature checking
 * on. The job runs as its own JVM through spark-submit (SparkSubmit on the test classpath), its
 * credentials in the environment only. A first attempt is killed in the middle of its last write
 * and must leave no partial output visible; the restart reuses the finished stages and completes;
 * the distinctive secret must appear nowhere in what the jobs printed, logged or wrote.
 */
class S3PipelineTest {
  private static final String ACCESS_KEY = "ncf-test-access";
  private static final String SECRET_KEY = "ncfSecret" + UUID.randomUUID().toString().replace("-", "");
  private static final String RUN_ID = "s3-ml100k";
  private static final List<String> ML100K_FILES = List.of("u.data", "u.item", "u.user", "u.genre");

  @Test
  @SuppressWarnings("unchecked")
  void preparationReadsAndWritesS3ThroughTheMagicCommitterAndLeaksNoSecret() throws Exception {
    Path dir = Path.of("target", "s3-pipeline-test").toAbsolutePath();
    TestFiles.deleteRecursively(dir);
    Files.createDirectories(dir);
    List<ProcessHandle> serverProcesses;
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3proxy"), ACCESS_KEY, SECRET_KEY, "ncf-in", "ncf-out")) {
      serverProcesses = s3.processes();
      assertFalse(serverProcesses.isEmpty());

      // signature checking is on: an unsigned write and a wrongly signed listing are refused
      HttpResponse<String> unsigned = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(s3.endpoint() + "/ncf-in/probe")).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(403, unsigned.statusCode(), unsigned.body());
      try (FileSystem wrong = FileSystem.newInstance(URI.create("s3a://ncf-in/"), s3aConf(s3, "not-" + SECRET_KEY))) {
        assertThrows(java.nio.file.AccessDeniedException.class, () -> wrong.listStatus(new org.apache.hadoop.fs.Path("s3a://ncf-in/")));
      }

      // the input: ml-100k uploaded through S3A
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3a://ncf-in/"), s3aConf(s3, SECRET_KEY))) {
        for (String f : ML100K_FILES) {
          fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(SparkTestSession.sharedData("ml-100k/" + f).toAbsolutePath().toUri()),
              new org.apache.hadoop.fs.Path("s3a://ncf-in/ml-100k/" + f));
        }
      }

      // 1. credentials from the environment (the default provider chain); the job is killed (kill -9)
      // while the magic committer is writing negatives/train: tasks have uploaded parts and written
      // their .pending/.pendingset manifests, the job commit has not happened, so nothing of that
      // table may be visible to an S3 reader
      Map<String, String> envCredentials = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
      Path bucketRun = s3.bucketFolder("ncf-out").resolve("runs").resolve(RUN_ID);
      String killedLog;
      try (ChildProcess killed = submit(s3, dir, "killed", envCredentials, List.of())) {
        Path magic = bucketRun.resolve("negatives/train/epoch=0/__magic");
        Instant end = Instant.now().plus(Duration.ofMinutes(6));
        while (!hasTaskManifest(magic)) {
          assertTrue(killed.isAlive() && Instant.now().isBefore(end), "no task of negatives/train/epoch=0 wrote a file: " + killed.logTail(4000));
          Thread.sleep(20);
        }
        killed.close(); // kill -9 of the whole process tree, between task commits and the job commit
        killedLog = killed.log();
      }
      assertFalse(Files.exists(bucketRun.resolve("negatives/train/epoch=0/_SUCCESS")), "killed before the job commit");
      try (FileSystem fs = FileSystem.newInstance(URI.create("s3a://ncf-out/"), s3aConf(s3, SECRET_KEY))) {
        List<String> visible = new ArrayList<>();
        var files = fs.listFiles(new org.apache.hadoop.fs.Path("s3a://ncf-out/runs/" + RUN_ID + "/negatives/train"), true);
        while (files.hasNext()) {
          String f = files.next().getPath().toString();
          if (!f.contains("/__magic/")) {
            visible.add(f);
          }
        }
        assertEquals(List.of(), visible, "no partial output of the killed write is visible");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("s3a://ncf-out/runs/" + RUN_ID + "/negatives/eval/_SUCCESS")),
            "negatives/eval, committed before the kill, is complete");
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path("s3a://ncf-out/runs/" + RUN_ID + "/negatives/_SUCCESS")), "the stage is not marked done");
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("s3a://ncf-out/runs/" + RUN_ID + "/split/_SUCCESS")), "split finished before the kill");
      }

      // 2. the same command again: the finished stages are reused, negatives is written from scratch
      ChildProcess first = submit(s3, dir, "first", envCredentials, List.of());
      String firstLog = awaitSuccess(first);
      for (String stage : List.of("ingest", "filter", "index", "features", "split")) {
        assertTrue(firstLog.matches("(?s).*\\n" + stage + " +reused .*"), stage + " was not reused: " + first.logTail(4000));
      }
      assertTrue(firstLog.matches("(?s).*\\nnegatives +ran .*"), first.logTail(4000));
      assertTrue(firstLog.contains("Results: s3a://ncf-out/runs/" + RUN_ID), first.logTail(2000));

      Path run = s3.bucketFolder("ncf-out").resolve("runs").resolve(RUN_ID);
      for (String stage : List.of("ingest", "filter", "index", "features", "split", "negatives")) {
        Map<String, Object> marker = Json.readMap(Files.readString(run.resolve(stage).resolve("_SUCCESS")));
        assertEquals(stage, marker.get("stage"));
        assertEquals(64, ((String) marker.get("fingerprint")).length());
      }
      Map<String, Object> manifest = Json.readMap(Files.readString(run.resolve("manifest.json")));
      assertEquals("s3a://ncf-out/runs/" + RUN_ID, manifest.get("run_path"));
      List<Map<String, Object>> inputs = (List<Map<String, Object>>) manifest.get("inputs");
      assertEquals("s3a://ncf-in/ml-100k/u.data", inputs.get(0).get("file"));
      assertEquals("06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490", inputs.get(0).get("sha256"),
          "the SHA-256 of u.data read back through S3A");

      // every table was committed by the S3A magic committer (its _SUCCESS is a JSON summary;
      // FileOutputCommitter's is empty) and no magic staging area is left behind
      for (String table : List.of("ingest/interactions", "filter/interactions", "index/users", "split/interactions", "negatives/eval")) {
        Map<String, Object> committed = Json.readMap(Files.readString(run.resolve(table).resolve("_SUCCESS")));
        assertEquals("magic", committed.get("committer"), table);
        assertFalse(((List<?>) committed.get("filenames")).isEmpty(), table);
      }
      try (Stream<Path> all = Files.walk(run)) {
        assertEquals(List.of(), all.filter(p -> p.getFileName().toString().equals("__magic")).toList());
      }

      // the committed Parquet, read from the server's storage
      SparkSession spark = SparkTestSession.get();
      assertEquals(100_000, spark.read().parquet(run.resolve("ingest/interactions").toString()).count());
      assertEquals(943, spark.read().parquet(run.resolve("split/interactions").toString()).where("split = 'test'").count());
      assertEquals(943 * 2, spark.read().parquet(run.resolve("negatives/eval").toString()).count());
      assertEquals(943, spark.read().parquet(run.resolve("features/users").toString()).count());
      assertTrue(Files.size(run.resolve("features/npy/user_demographics.npy")) > 943 * 4, "the .npy export written through S3A");
      Dataset<Row> trainNegatives = spark.read().parquet(run.resolve("negatives/train/epoch=0").toString());
      assertEquals(4 * spark.read().parquet(run.resolve("split/interactions").toString()).where("split = 'train'").count(),
          trainNegatives.count(), "4 negatives per training positive and epoch, each once: the killed attempt left nothing behind");

      // the same tables as an uninterrupted local run of the same experiment (the suite's shared ml-100k run)
      String local = new dev.ncfspark.pipeline.RunPipeline(spark, dev.ncfspark.pipeline.TestRuns.ml100k())
          .run(new java.util.LinkedHashSet<>(dev.ncfspark.pipeline.RunPipeline.PREPARE), false).runPath();
      for (String table : List.of("ingest/interactions", "filter/interactions", "filter/rejected", "index/users", "index/items",
          "split/interactions", "negatives/eval", "negatives/train")) {
        Dataset<Row> expected = spark.read().parquet(local + "/" + table);
        Dataset<Row> actual = spark.read().parquet(run.resolve(table).toString());
        assertEquals(expected.count(), actual.count(), table);
        assertEquals(0, expected.exceptAll(actual).count(), table);
      }

      // 3. the same job again, the credentials now in the Hadoop configuration: every stage reused
      ChildProcess second = submit(s3, dir, "second", Map.of(), List.of(
          "--conf", "spark.hadoop.fs.s3a.access.key=" + ACCESS_KEY, "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET_KEY));
      String secondLog = awaitSuccess(second);
      for (String stage : List.of("ingest", "filter", "index", "features", "split", "negatives")) {
        assertTrue(secondLog.matches("(?s).*\\n" + stage + " +reused .*"), stage + " not reused: " + second.logTail(4000));
      }

      // the secret is nowhere: not in the run folder (manifest, markers, Parquet), not in the logs
      assertTrue(firstLog.contains("fs.s3a"), "the verbose submit lists the S3A settings");
      assertNoSecret(killedLog, "output of the killed job");
      assertNoSecret(firstLog, "output of the first job");
      assertNoSecret(secondLog, "output of the second job");
      List<Path> files = new ArrayList<>();
      try (Stream<Path> all = Files.walk(run)) {
        all.filter(Files::isRegularFile).forEach(files::add);
      }
      assertTrue(files.size() > 20, files.toString());
      for (Path f : files) {
        assertNoSecret(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), f.toString());
      }
    }
    for (ProcessHandle p : serverProcesses) {
      assertFalse(p.isAlive(), "S3Proxy still running: pid " + p.pid());
    }
  }

  /** A task's commit data (.pending of a written file, .pendingset of a committed task) under the magic folder. */
  private static boolean hasTaskManifest(Path magic) throws java.io.IOException {
    if (!Files.isDirectory(magic)) {
      return false;
    }
    try (Stream<Path> all = Files.walk(magic)) {
      return all.anyMatch(p -> p.getFileName().toString().endsWith(".pending") || p.getFileName().toString().endsWith(".pendingset"));
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      return false; // the committer moved or deleted a file while it was listed
    }
  }

  private static void assertNoSecret(String text, String where) {
    assertFalse(text.contains(SECRET_KEY), "the secret key appears in " + where);
  }

  private static String awaitSuccess(ChildProcess job) {
    try (job) {
      Optional<Integer> code = job.waitFor(Duration.ofMinutes(8));
      assertTrue(code.isPresent(), "job still running after 8 minutes: " + job.logTail(4000));
      assertEquals(0, code.get(), job.logTail(6000));
      return job.log();
    }
  }

  /** {@code spark-submit --properties-file conf/spark-s3.properties ... prepare} as its own JVM. */
  private static ChildProcess submit(S3ProxyServer s3, Path dir, String name, Map<String, String> env, List<String> extraConf) {
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx1g"));
    cmd.addAll(JavaFlags.java17Opens());
    cmd.add("-Dlog4j2.configurationFile=" + Path.of("src/test/resources/log4j2-child.properties").toAbsolutePath().toUri());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.SparkSubmit", "--verbose",
        "--master", "local[2]",
        "--properties-file", Path.of("conf/spark-s3.properties").toAbsolutePath().toString(),
        "--conf", "spark.hadoop.fs.s3a.endpoint=" + s3.endpoint(),
        "--conf", "spark.hadoop.fs.s3a.path.style.access=true",
        "--conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        "--conf", "spark.hadoop.fs.s3a.change.detection.mode=warn",
        "--conf", "spark.hadoop.fs.s3a.buffer.dir=" + dir.resolve("s3a-buffer"),
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=8", // 4 waves of tasks on 2 cores: the kill lands between task and job commits
        "--conf", "spark.logConf=true",
        "--conf", "spark.local.dir=" + dir.resolve("spark-local")));
    cmd.addAll(extraConf);
    cmd.addAll(List.of("--class", "dev.ncfspark.cli.Main", "spark-internal",
        "prepare",
        "--set", "dataset.format=movielens",
        "--set", "dataset.path=s3a://ncf-in/ml-100k",
        "--set", "run.output=s3a://ncf-out/runs",
        "--set", "run.id=" + RUN_ID));
    Map<String, String> fullEnv = new java.util.HashMap<>(env);
    fullEnv.put("SPARK_LOCAL_IP", "127.0.0.1");
    return ChildProcess.start(name, cmd, fullEnv, Path.of("").toAbsolutePath(), dir.resolve(name + ".log"));
  }

  /** An S3A client configuration for this server (used in this JVM only to upload the input). */
  private static Configuration s3aConf(S3ProxyServer s3, String secret) {
    Configuration c = new Configuration();
    c.set("fs.s3a.endpoint", s3.endpoint());
    c.set("fs.s3a.path.style.access", "true");
    c.set("fs.s3a.connection.ssl.enabled", "false");
    c.set("fs.s3a.change.detection.mode", "warn");
    c.set("fs.s3a.access.key", ACCESS_KEY);
    c.set("fs.s3a.secret.key", secret);
    c.set("fs.s3a.attempts.maximum", "1");
    c.set("fs.s3a.retry.limit", "1");
    return c;
  }
}
