package dev.ncfspark.bench;

import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.ncf.NcfBatches;
import dev.ncfspark.models.ncf.NcfGraphs;
import dev.ncfspark.models.ncf.TrainingMasters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * {@code make bench-train}: NeuMF training throughput at ML-20M size (138,493 users x 26,744
 * items) for predictive factors 8 and 64 and batch sizes 256 / 2048 / 16384, over a fixed number
 * of minibatches: samples/s of (a) single-JVM {@code ComputationGraph.fit} — the baseline — and
 * (b) the Spark path (the job's TrainingMaster over executors), on the same generated examples;
 * plus the fixed cost of one optimizer step (a fit on a 1-example batch: the dense Adam update of
 * every parameter, embedding tables included), and peak memory. Writes {@code
 * bench/results/train-<time>.json} and {@code .md}.
 */
public final class TrainBenchmark {
  static final int USERS = 138_493;
  static final int ITEMS = 26_744;

  private TrainBenchmark() {}

  public static void main(String[] args) throws IOException {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    List<Integer> factors = List.of(8, 64);
    List<Integer> batches = List.of(256, 2048, 16384);
    SparkSession spark = SparkSession.builder().appName("ncf-spark bench-train").getOrCreate();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "train");
    result.put("date", Instant.now().toString());
    result.put("master", spark.sparkContext().master());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("users", USERS);
    result.put("items", ITEMS);
    result.put("steps", steps);
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      for (int factor : factors) {
        for (int batch : batches) {
          NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of(
              "models.ncf.factors=" + factor, "models.ncf.batch-size=" + batch,
              "models.ncf.spark.training-master=parameter-averaging")).models().ncf();
          Dataset<Row> examples = examples(spark, (long) steps * batch).cache();
          examples.count();
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("factors", factor);
          r.put("batch", batch);
          ComputationGraph net = NcfGraphs.create("neumf", cfg, USERS, ITEMS, 1);
          r.put("parameters", net.numParams());
          r.put("optimizer_step_ms", optimizerStepMillis(net));
          r.put("single_jvm_samples_per_s", singleJvm(net, examples, batch));
          r.put("spark_samples_per_s", sparkPath(spark, cfg, examples, batch));
          r.put("spark_vs_single_jvm", (double) r.get("spark_samples_per_s") / (double) r.get("single_jvm_samples_per_s"));
          System.out.println("bench-train " + r);
          rows.add(r);
          examples.unpersist();
        }
      }
    } finally {
      result.put("results", rows);
      result.put("peak_rss_gib", PrepareBenchmark.peakRssGib());
      result.put("peak_heap_gib", PrepareBenchmark.peakHeapGib());
      write(result);
      spark.stop();
    }
  }

  /** Deterministic examples: users and items spread over the whole tables, 1 positive in 5. */
  static Dataset<Row> examples(SparkSession spark, long n) {
    return spark.range(n).selectExpr(
        "cast(pmod(xxhash64(id, 'u'), " + USERS + ") as int) as user_idx",
        // squaring a uniform draw skews items towards low ids (popular items), as real data does
        "cast(floor(pow(pmod(xxhash64(id, 'i'), 1000000) / 1000000.0, 2) * " + ITEMS + ") as int) as item_idx",
        "cast(IF(pmod(id, 5) = 0, 1.0, 0.0) as float) as label");
  }

  /** Milliseconds of one fit on a single example: what every step costs whatever the batch size. */
  static double optimizerStepMillis(ComputationGraph net) {
    MultiDataSet one = NcfBatches.batch(new float[] {1}, new float[] {2}, new float[] {1}, 1);
    for (int i = 0; i < 5; i++) {
      net.fit(one);
    }
    long t0 = System.nanoTime();
    int n = 20;
    for (int i = 0; i < n; i++) {
      net.fit(one);
    }
    return (System.nanoTime() - t0) / 1e6 / n;
  }

  static double singleJvm(ComputationGraph net, Dataset<Row> examples, int batch) {
    Iterator<Row> it = examples.selectExpr("user_idx", "item_idx", "label").toLocalIterator();
    List<MultiDataSet> all = new ArrayList<>();
    NcfBatches.iterator(it, batch).forEachRemaining(all::add);
    net.fit(all.get(0)); // warm-up
    long t0 = System.nanoTime();
    long n = 0;
    for (MultiDataSet b : all) {
      net.fit(b);
      n += b.getFeatures(0).rows();
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  static double sparkPath(SparkSession spark, NcfConfig cfg, Dataset<Row> examples, int batch) {
    ComputationGraph net = NcfGraphs.create("neumf", cfg, USERS, ITEMS, 1);
    TrainingMaster master = TrainingMasters.create(cfg, spark.sparkContext(), Path.of("target/bench/export").toAbsolutePath().toString(), 1);
    SparkComputationGraph sparkNet = new SparkComputationGraph(spark.sparkContext(), net, master);
    long n = examples.count();
    long t0 = System.nanoTime();
    sparkNet.fitMultiDataSet(NcfBatches.of(examples, batch, cfg.spark().ompThreads()));
    double s = (System.nanoTime() - t0) / 1e9;
    master.deleteTempFiles(spark.sparkContext());
    return n / s;
  }

  private static void write(Map<String, Object> r) throws IOException {
    Path dir = Files.createDirectories(Path.of("bench", "results"));
    String stamp = ((String) r.get("date")).replaceAll("[:.]", "").substring(0, 17);
    Files.writeString(dir.resolve("train-" + stamp + ".json"), Json.write(r));
    StringBuilder md = new StringBuilder("# bench-train: NeuMF at ML-20M size (" + USERS + " users x " + ITEMS + " items)\n\n");
    md.append(String.format(Locale.ROOT, "master %s, %s cores, %s minibatches per measurement, peak RSS %.2f GiB%n%n",
        r.get("master"), r.get("cores"), r.get("steps"), (double) r.get("peak_rss_gib")));
    md.append("Baseline: single-JVM `ComputationGraph.fit` on the same examples, same process.\n\n");
    md.append("| factors | batch | parameters | optimizer step (ms) | single JVM (samples/s) | Spark path (samples/s) | Spark / single JVM |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Object o : (List<?>) r.get("results")) {
      Map<?, ?> m = (Map<?, ?>) o;
      md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %.1f | %,.0f | %,.0f | %.2f |%n", m.get("factors"), m.get("batch"),
          ((Number) m.get("parameters")).longValue(), (double) m.get("optimizer_step_ms"), (double) m.get("single_jvm_samples_per_s"),
          (double) m.get("spark_samples_per_s"), (double) m.get("spark_vs_single_jvm")));
    }
    Files.writeString(dir.resolve("train-" + stamp + ".md"), md.toString());
  }
}
