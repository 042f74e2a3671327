package dev.ncfspark.bench;

import dev.ncfspark.config.CoreKConfig;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.io.Json;
import dev.ncfspark.pipeline.RunPipeline;
import dev.ncfspark.pipeline.StageStats;
import dev.ncfspark.pipeline.SyntheticInput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code make bench-prepare}: the preparation at ML-20M scale (synthetic, 20,000,263 ratings by
 * default) on the current master, timed per stage, with baselines measured in the same run: a
 * plain {@code spark.read.csv(ratings.csv).count()} (the cheapest full pass over the input), and
 * per stage the same work in plain Spark SQL ({@link PlainSparkSqlPreparation}). Writes {@code bench/results/prepare-<time>.json} and {@code .md}.
 * Arguments: {@code [scale] [output folder]}, defaults 1.0 and target/bench.
 */
public final class PrepareBenchmark {
  private PrepareBenchmark() {}

  public static void main(String[] args) throws IOException {
    String scale = args.length > 0 ? args[0] : "1.0";
    String out = Path.of(args.length > 1 ? args[1] : "target/bench").toAbsolutePath().toString();
    SparkSession spark = SparkSession.builder().appName("ncf-spark bench-prepare").getOrCreate();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "prepare");
    result.put("date", Instant.now().toString());
    result.put("master", spark.sparkContext().master());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("max_heap_gib", Runtime.getRuntime().maxMemory() / (1024.0 * 1024 * 1024));
    try {
      ExperimentConfig config = ExperimentConfigLoader.load(Optional.empty(), List.of(
          "dataset.synthetic.scale=" + scale, "dataset.synthetic.dir=" + out + "/data", "run.output=" + out + "/runs",
          "run.id=bench-k5", "filter.user-k=5", "filter.item-k=5", "split.kind=leave-one-out",
          "negatives.eval.count=99", "negatives.train.per-positive=4", "negatives.train.epochs=1"));

      // generation (not Spark) is timed apart; reused when the files exist
      long t0 = System.nanoTime();
      Path data = SyntheticInput.ensureGenerated(config.dataset().synthetic());
      result.put("generate_seconds", seconds(t0));
      String ratings = data.resolve("ratings.csv").toString();

      t0 = System.nanoTime();
      long baselineRows = spark.read().option("header", "true").schema("userId INT, movieId INT, rating DOUBLE, timestamp LONG")
          .csv(ratings).count();
      double baselineSeconds = seconds(t0);
      Map<String, Object> baseline = new LinkedHashMap<>();
      baseline.put("name", "csv-scan: spark.read.csv(ratings.csv).count()");
      baseline.put("rows", baselineRows);
      baseline.put("seconds", baselineSeconds);
      baseline.put("rows_per_second", baselineRows / baselineSeconds);
      result.put("baseline", baseline);

      deleteRecursively(Path.of(out, "runs", "bench-k5"));
      t0 = System.nanoTime();
      RunPipeline.Outcome outcome = new RunPipeline(spark, config).run(Set.copyOf(RunPipeline.PREPARE), true);
      result.put("pipeline_seconds", seconds(t0));
      List<Map<String, Object>> stages = new ArrayList<>();
      long inputRows = baselineRows;
      for (Map.Entry<String, StageStats> e : outcome.stats().entrySet()) {
        StageStats s = e.getValue();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", e.getKey());
        m.put("input_rows", inputRows);
        m.put("output_rows", s.rows());
        m.put("seconds", s.seconds());
        m.put("input_rows_per_second", inputRows / s.seconds());
        m.put("time_vs_csv_scan", s.seconds() / baselineSeconds);
        stages.add(m);
        // index and features write side tables: the next stage reads the interactions before them
        if (!e.getKey().equals("index") && !e.getKey().equals("features")) {
          inputRows = s.rows();
        }
      }
      result.put("stages_k5", stages);

      // the baseline per stage: the same work in plain Spark SQL, after the project's run (a warm JVM: the harder baseline)
      deleteRecursively(Path.of(out, "plain"));
      List<PlainSparkSqlPreparation.Stage> plain = new PlainSparkSqlPreparation(spark, out + "/plain")
          .run(ratings, 5, 99, 4, config.run().seed());
      double projectTotal = 0;
      double plainTotal = 0;
      Map<String, PlainSparkSqlPreparation.Stage> plainByName = new LinkedHashMap<>();
      plain.forEach(p -> plainByName.put(p.name(), p));
      for (Map<String, Object> m : stages) {
        PlainSparkSqlPreparation.Stage p = plainByName.get((String) m.get("stage"));
        if (p != null) {
          m.put("plain_seconds", p.seconds());
          m.put("plain_rows", p.rows());
          m.put("vs_plain", (Double) m.get("seconds") / p.seconds());
          projectTotal += (Double) m.get("seconds");
          plainTotal += p.seconds();
        }
      }
      Map<String, Object> totals = new LinkedHashMap<>();
      totals.put("stages", plain.stream().map(PlainSparkSqlPreparation.Stage::name).toList());
      totals.put("project_seconds", projectTotal);
      totals.put("plain_seconds", plainTotal);
      totals.put("vs_plain", projectTotal / plainTotal);
      result.put("plain_spark_sql", totals);

      t0 = System.nanoTime();
      long kept;
      CoreKFilter.Result k20;
      try (Checkpoints checkpoints = Checkpoints.in(spark, out + "/core-k20")) {
        k20 = new CoreKFilter(new CoreKConfig(20, 20, 100), checkpoints)
            .apply(spark.read().parquet(outcome.runPath() + "/ingest/interactions"));
        kept = k20.keptRows();
      }
      Map<String, Object> coreK20 = new LinkedHashMap<>();
      coreK20.put("seconds", seconds(t0));
      coreK20.put("kept_rows", kept);
      coreK20.put("rounds", k20.rounds().size());
      coreK20.put("time_vs_csv_scan", seconds(t0) / baselineSeconds);
      result.put("core_k20_on_ingested", coreK20);
      result.put("manifest", outcome.runPath() + "/manifest.json");
    } finally {
      result.put("peak_rss_gib", peakRssGib());
      result.put("peak_heap_gib", peakHeapGib());
      spark.stop();
    }
    write(result);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** VmHWM of this JVM (driver and executors in local mode), from /proc. */
  static double peakRssGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024.0 * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static double peakHeapGib() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / (1024.0 * 1024 * 1024);
  }

  @SuppressWarnings("unchecked")
  private static void write(Map<String, Object> r) throws IOException {
    Path dir = Files.createDirectories(Path.of("bench", "results"));
    String stamp = r.get("date").toString().replace(":", "").replaceAll("\\..*", "");
    Files.writeString(dir.resolve("prepare-" + stamp + ".json"), Json.write(r));
    StringBuilder md = new StringBuilder("# bench-prepare " + r.get("date") + "\n\n");
    md.append(String.format(Locale.ROOT, "master %s, %s cores, max heap %.1f GiB, peak RSS %.2f GiB, sum of per-pool heap peaks %.2f GiB (an upper bound)%n%n",
        r.get("master"), r.get("cores"), (Double) r.get("max_heap_gib"), (Double) r.get("peak_rss_gib"), (Double) r.get("peak_heap_gib")));
    Map<String, Object> b = (Map<String, Object>) r.get("baseline");
    if (b != null) {
      md.append(String.format(Locale.ROOT, "Baseline %s: %,d rows in %.1f s (%,.0f rows/s)%n%n",
          b.get("name"), (Long) b.get("rows"), (Double) b.get("seconds"), (Double) b.get("rows_per_second")));
      md.append("Per stage, the baseline is the same work in plain Spark SQL (`PlainSparkSqlPreparation`: the way a notebook writes it,"
          + " none of the project's guarantees), same input, same run.\n\n");
      md.append("| stage (k=5) | input rows | output rows | seconds | plain Spark SQL s (rows) | vs plain | input rows/s | time / csv-scan |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Map<String, Object> s : (List<Map<String, Object>>) r.getOrDefault("stages_k5", List.of())) {
        String plain = s.containsKey("plain_seconds")
            ? String.format(Locale.ROOT, "%.1f (%,d)", (Double) s.get("plain_seconds"), (Long) s.get("plain_rows")) : "–";
        String vs = s.containsKey("vs_plain") ? String.format(Locale.ROOT, "%.2f", (Double) s.get("vs_plain")) : "–";
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %s | %s | %,.0f | %.2f |%n", s.get("stage"), (Long) s.get("input_rows"),
            (Long) s.get("output_rows"), (Double) s.get("seconds"), plain, vs, (Double) s.get("input_rows_per_second"),
            (Double) s.get("time_vs_csv_scan")));
      }
      Map<String, Object> totals = (Map<String, Object>) r.get("plain_spark_sql");
      if (totals != null) {
        md.append(String.format(Locale.ROOT, "%nThe stages with a plain baseline %s: the project %.1f s, plain Spark SQL %.1f s (%.2f x)%n",
            totals.get("stages"), (Double) totals.get("project_seconds"), (Double) totals.get("plain_seconds"), (Double) totals.get("vs_plain")));
      }
      Map<String, Object> k20 = (Map<String, Object>) r.get("core_k20_on_ingested");
      if (k20 != null) {
        md.append(String.format(Locale.ROOT, "%ncore-k k=20 on the ingested table: %.1f s, %d rounds, %,d rows kept (%.2f x csv-scan)%n",
            (Double) k20.get("seconds"), (Integer) k20.get("rounds"), (Long) k20.get("kept_rows"), (Double) k20.get("time_vs_csv_scan")));
      }
    }
    Files.writeString(dir.resolve("prepare-" + stamp + ".md"), md.toString());
    System.out.println(md);
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var walk = Files.walk(p)) {
        for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      }
    }
  }
}
