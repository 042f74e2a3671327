package dev.ncfspark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.xxhash64;

import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.ncf.EpochBenchmark;
import dev.ncfspark.models.ncf.NcfBatches;
import dev.ncfspark.models.ncf.NcfGraphs;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * {@code make bench-train}: NeuMF training throughput at ML-20M size (138,493 users x 26,744
 * items), predictive factors 8 and 64, batch 256 to 65,536, all in one run with the same number
 * of native threads: the sparse engine (the job's default), DL4J's {@code ComputationGraph.fit}
 * (the previous engine), and the PyTorch reference of the same architecture in {@code
 * bench/ncf_torch.py} (dense Adam, and sparse embeddings with SparseAdam; skipped with a line when
 * python3-torch is missing). Each measurement runs a fixed number of minibatches or a time budget,
 * whichever ends first, after a warm-up. Also: ND4J's own matrix multiply in GFLOP/s (what the
 * dense layers can reach here) and peak memory. Writes {@code bench/results/train-<time>.{json,md}}.
 *
 * <p>Arguments: {@code [distributed] [steps] [threads] [seconds per measurement]}, defaults 2000
 * (at most 4M examples), 1 and 8; {@code distributed} first: only the distributed section.
 */
public final class TrainBenchmark {
  static final int USERS = 138_493;
  static final int ITEMS = 26_744;
  static final List<Integer> FACTORS = List.of(8, 64);
  static final List<Integer> BATCHES = List.of(256, 2048, 16384, 65536);

  private TrainBenchmark() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    boolean onlyDistributed = args.length > 0 && args[0].equals("distributed");
    if (onlyDistributed) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    double budget = args.length > 2 ? Double.parseDouble(args[2]) : 8;
    dev.ncfspark.models.ncf.NativeThreads.limit(threads);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("benchmark", "train");
    result.put("date", Instant.now().toString());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("threads", threads);
    result.put("users", USERS);
    result.put("items", ITEMS);
    result.put("steps", steps);
    result.put("seconds_per_measurement", budget);
    result.put("nd4j_mmul_gflops", mmulGflops());
    List<Map<String, Object>> rows = new ArrayList<>();
    try {
      for (int factor : onlyDistributed ? List.<Integer>of() : FACTORS) {
        for (int batch : BATCHES) {
          rows.add(measure(factor, batch, steps, threads, budget));
        }
      }
      result.put("concurrent_fit", concurrentFit(threads));
      result.put("distributed", distributed(threads));
    } finally {
      result.put("results", rows);
      result.put("peak_rss_gib", PrepareBenchmark.peakRssGib());
      result.put("peak_heap_gib", PrepareBenchmark.peakHeapGib());
      write(result);
    }
  }

  private static Map<String, Object> measure(int factor, int batch, int steps, int threads, double budget)
      throws IOException, InterruptedException {
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=" + factor,
        "models.ncf.batch-size=" + batch)).models().ncf();
    int n = Math.max(3, Math.min(steps, 4_000_000 / batch));
    Examples ex = Examples.of(n, batch, factor);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("factors", factor);
    r.put("batch", batch);
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, USERS, ITEMS, 1);
    r.put("parameters", graph.numParams());
    r.put("dense_flops_per_example", denseFlopsPerExample(cfg));
    // the configured (default) embedding Adam, then the other one
    boolean defaultCatchUp = cfg.sparseAdam() == NcfConfig.SparseAdam.CATCH_UP;
    r.put("sparse_adam", defaultCatchUp ? "catch-up" : "lazy");
    SparseNcfNetwork sparse = sparseNetwork(graph, cfg, defaultCatchUp);
    Timing s = time(n, budget, i -> sparse.fit(ex.users[i], ex.items[i], ex.labels[i], batch));
    r.put("sparse_samples_per_s", s.steps * (double) batch / s.seconds);
    r.put("sparse_step_ms", s.seconds * 1000 / s.steps);
    r.put("sparse_gflops", s.steps * (double) batch * denseFlopsPerExample(cfg) / s.seconds / 1e9);
    SparseNcfNetwork other = sparseNetwork(graph, cfg, !defaultCatchUp);
    Timing o = time(n, budget, i -> other.fit(ex.users[i], ex.items[i], ex.labels[i], batch));
    r.put("sparse_other_adam", defaultCatchUp ? "lazy" : "catch-up");
    r.put("sparse_other_adam_samples_per_s", o.steps * (double) batch / o.seconds);
    Timing g = time(n, budget, i -> graph.fit(ex.batch(i)));
    r.put("graph_samples_per_s", g.steps * (double) batch / g.seconds);
    r.put("graph_step_ms", g.seconds * 1000 / g.steps);
    for (String mode : List.of("dense", "sparse")) {
      Map<String, Object> torch = pytorch(factor, batch, n, threads, budget, mode);
      Object rate = torch.get("samples_per_s");
      r.put("pytorch_" + mode + "_samples_per_s", rate);
      if (rate == null) {
        r.put("pytorch_skipped", torch.get("skipped"));
      }
    }
    double sparseRate = (double) r.get("sparse_samples_per_s");
    r.put("sparse_vs_graph", sparseRate / (double) r.get("graph_samples_per_s"));
    for (String mode : List.of("dense", "sparse")) {
      Object rate = r.get("pytorch_" + mode + "_samples_per_s");
      r.put("sparse_vs_pytorch_" + mode, rate == null ? null : sparseRate / ((Number) rate).doubleValue());
    }
    System.out.println("bench-train " + r);
    return r;
  }

  /** Training positives of the distributed section: with 4 negatives each, an epoch of about 8 M examples. */
  static final long DISTRIBUTED_POSITIVES = 1_600_000;
  static final int DISTRIBUTED_NEGATIVES = 4;
  static final int DISTRIBUTED_BATCH = 16_384;
  /** The merge frequencies timed: the job's default (auto: 100 / workers minibatches), then fixed ones (0 = once per epoch). */
  static final List<String> MERGE_EVERY = List.of("auto", "5", "20", "0");
  /** Pairs of epochs (1 worker, 2 workers) timed at the default frequency: one pair cannot tell the scaling from this machine's noise. */
  static final int DEFAULT_PAIRS = 3;

  /**
   * One epoch at ML-20M size (about 8 M examples drawn from {@link #DISTRIBUTED_POSITIVES}
   * positives, factors 8, batch 16,384, the ML-20M recipe) on the single-JVM engine, then {@code
   * training-master = distributed} with 1 and 2 workers for each merge frequency, every worker
   * drawing its own users' examples (the job's default): the scaling of 2 workers against 1, and
   * where a distributed epoch's time goes (split, workers' rounds, the driver's merges and
   * broadcasts). The default frequency is timed in {@link #DEFAULT_PAIRS} pairs of epochs.
   */
  static List<Map<String, Object>> distributed(int threads) {
    SparkSession spark = SparkSession.builder().appName("ncf-spark bench-train").getOrCreate();
    // skewed items (a squared uniform), as in MovieLens; duplicate pairs dropped
    Dataset<Row> positives = spark.range(0, DISTRIBUTED_POSITIVES, 1, 8).select(
        pmod(xxhash64(col("id"), lit(1L)), lit(USERS)).cast("int").as("user_idx"),
        pow(pmod(xxhash64(col("id"), lit(2L)), lit(1_000_000L)).divide(1e6), 2).multiply(ITEMS).cast("int").as("item_idx"))
        .dropDuplicates("user_idx", "item_idx").cache();
    List<Map<String, Object>> out = new ArrayList<>();
    try (EpochBenchmark.DrawnEpochs epochs = new EpochBenchmark.DrawnEpochs(positives, USERS, ITEMS, DISTRIBUTED_NEGATIVES, 1)) {
      epoch(spark, epochs, threads, "local", 1, "0"); // warm-up (JIT, native allocations): not reported
      out.add(epoch(spark, epochs, threads, "local", 1, "0"));
      // the executors' warm-up (their JIT, native allocations, the resident workers' first state), not reported
      epoch(spark, epochs, threads, "distributed", 2, "auto");
      for (String every : MERGE_EVERY) {
        // the default is timed in DEFAULT_PAIRS pairs, the pairs' order alternating (1 then 2 workers, then 2 then 1), so
        // that the machine's drift between epochs falls on both sides; the fixed frequencies once
        int pairs = every.equals("auto") ? DEFAULT_PAIRS : 1;
        for (int p = 0; p < pairs; p++) {
          boolean oneFirst = p % 2 == 0;
          Map<String, Object> first = epoch(spark, epochs, threads, "distributed", oneFirst ? 1 : 2, every);
          Map<String, Object> second = epoch(spark, epochs, threads, "distributed", oneFirst ? 2 : 1, every);
          Map<String, Object> one = oneFirst ? first : second;
          Map<String, Object> two = oneFirst ? second : first;
          two.put("vs_one_worker", (double) two.get("samples_per_s") / (double) one.get("samples_per_s"));
          one.put("pair", p + 1);
          two.put("pair", p + 1);
          out.add(one);
          out.add(two);
        }
      }
    } finally {
      positives.unpersist();
    }
    double local = (double) out.get(0).get("samples_per_s");
    out.forEach(m -> m.put("vs_local", (double) m.get("samples_per_s") / local));
    return out;
  }

  /** Minibatches each thread trains in {@link #concurrentFit}, after {@link #WARM_UP_BATCHES} / 4 of warm-up. */
  static final int CONCURRENT_STEPS = 60;

  /**
   * The ceiling of 2 workers against 1 on this machine: the sparse engine alone (no Spark, no
   * merges), {@code k} threads each training its own copy of the distributed section's network on
   * its own minibatches at once, for k = 1 and 2: samples/s of all threads together, and the
   * ratio. What 2 cores give two workers before any cost of distribution (shared caches, memory
   * bandwidth).
   */
  static Map<String, Object> concurrentFit(int threads) throws InterruptedException {
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=8", "models.ncf.batch-size=" + DISTRIBUTED_BATCH))
        .models().ncf();
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, USERS, ITEMS, 1);
    Map<String, Object> r = new LinkedHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      // each k twice, the second (warmer) pass kept
      for (int k : List.of(1, 2, 1, 2)) {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(k);
        List<java.util.concurrent.Callable<Double>> work = new ArrayList<>();
        for (int t = 0; t < k; t++) {
          int seed = t + 1;
          work.add(() -> {
            dev.ncfspark.models.ncf.NativeThreads.limit(threads);
            SparseNcfNetwork net = sparseNetwork(graph, cfg, cfg.sparseAdam() == NcfConfig.SparseAdam.CATCH_UP);
            // every minibatch its own (as in an epoch), so that the rows come from memory as often as in training
            Examples ex = Examples.of(WARM_UP_BATCHES / 4 + CONCURRENT_STEPS, DISTRIBUTED_BATCH, seed);
            for (int i = 0; i < WARM_UP_BATCHES / 4; i++) {
              net.fit(ex.users[i], ex.items[i], ex.labels[i], DISTRIBUTED_BATCH);
            }
            start.await();
            long t0 = System.nanoTime();
            for (int i = WARM_UP_BATCHES / 4; i < WARM_UP_BATCHES / 4 + CONCURRENT_STEPS; i++) {
              net.fit(ex.users[i], ex.items[i], ex.labels[i], DISTRIBUTED_BATCH);
            }
            return (System.nanoTime() - t0) / 1e9;
          });
        }
        double slowest = 0;
        for (java.util.concurrent.Future<Double> f : pool.invokeAll(work)) {
          slowest = Math.max(slowest, f.get());
        }
        r.put("threads_" + k + "_samples_per_s", k * (double) CONCURRENT_STEPS * DISTRIBUTED_BATCH / slowest);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the concurrent fit failed", e.getCause());
    } finally {
      pool.shutdown();
    }
    r.put("two_vs_one", (double) r.get("threads_2_samples_per_s") / (double) r.get("threads_1_samples_per_s"));
    System.out.println("bench-train concurrent fit " + r);
    return r;
  }

  private static Map<String, Object> epoch(SparkSession spark, EpochBenchmark.DrawnEpochs epochs, int threads, String master, int workers,
      String every) {
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=8", "models.ncf.batch-size=" + DISTRIBUTED_BATCH,
        "models.ncf.spark.omp-threads=" + threads, "models.ncf.spark.training-master=" + master, "models.ncf.spark.workers=" + workers,
        "models.ncf.spark.merge-every-batches=" + every)).models().ncf();
    EpochBenchmark.Result t = epochs.time(spark, cfg);
    long examples = epochs.size();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("training_master", master);
    r.put("workers", workers);
    r.put("merge_every", every);
    r.put("merge_every_batches", cfg.spark().mergeEveryBatches(workers));
    r.put("rounds", t.rounds());
    r.put("epoch_seconds", t.seconds());
    r.put("examples", examples);
    r.put("samples_per_s", examples / t.seconds());
    r.put("split_seconds", t.split());
    r.put("workers_seconds", t.train());
    r.put("merge_seconds", t.merge());
    r.put("merge_seconds_per_round", t.rounds() == 0 ? 0 : t.merge() / t.rounds());
    r.put("merge_share", t.merge() / t.seconds());
    System.out.println("bench-train distributed " + r);
    return r;
  }

  private static SparseNcfNetwork sparseNetwork(ComputationGraph graph, NcfConfig cfg, boolean catchUp) {
    return new SparseNcfNetwork(graph.clone(), new SparseNcfNetwork.Settings(cfg.learningRate(), cfg.adamBeta1(), cfg.adamBeta2(), 0, 0, 1,
        catchUp), EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
  }

  /** Multiply-adds of the dense layers per example, times 2 for FLOPs, times 3 for forward + backward. */
  static long denseFlopsPerExample(NcfConfig cfg) {
    long macs = 0;
    int width = 2 * cfg.mlpEmbedding();
    for (int out : cfg.mlpLayers()) {
      macs += (long) width * out;
      width = out;
    }
    macs += cfg.gmfEmbedding() + width;
    return 6 * macs;
  }

  /** ND4J's single-precision matrix multiply on this machine: [16384 x 256] x [256 x 256], GFLOP/s. */
  static double mmulGflops() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 16384, 256);
    INDArray b = Nd4j.rand(DataType.FLOAT, 256, 256);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 16384, 256);
    for (int i = 0; i < 3; i++) {
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
    int reps = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return reps * 2.0 * 16384 * 256 * 256 / seconds / 1e9;
  }

  record Timing(int steps, double seconds) {}

  static final double WARM_UP_SECONDS = 2;
  static final int WARM_UP_BATCHES = 20;

  /**
   * Warms up (the JIT, native allocations) for {@link #WARM_UP_SECONDS} on the first minibatches,
   * then times minibatches 0.. until {@code n} are done or {@code budget} seconds pass.
   */
  static Timing time(int n, double budget, java.util.function.IntConsumer step) {
    long w0 = System.nanoTime();
    for (int i = 0; (System.nanoTime() - w0) / 1e9 < WARM_UP_SECONDS; i = (i + 1) % Math.min(n, WARM_UP_BATCHES)) {
      step.accept(i);
    }
    long t0 = System.nanoTime();
    int done = 0;
    while (done < n) {
      step.accept(done);
      done++;
      if ((System.nanoTime() - t0) / 1e9 > budget) {
        break;
      }
    }
    return new Timing(done, (System.nanoTime() - t0) / 1e9);
  }

  /** Deterministic minibatches: users uniform, items skewed towards low ids (popular), 1 positive in 5. */
  record Examples(int[][] users, int[][] items, float[][] labels) {
    static Examples of(int batches, int batch, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      int[][] u = new int[batches][batch];
      int[][] v = new int[batches][batch];
      float[][] y = new float[batches][batch];
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < batch; i++) {
          u[b][i] = random.nextInt(USERS);
          double x = random.nextDouble();
          v[b][i] = (int) (x * x * ITEMS);
          y[b][i] = i % 5 == 0 ? 1f : 0f;
        }
      }
      return new Examples(u, v, y);
    }

    MultiDataSet batch(int b) {
      float[] fu = new float[users[b].length];
      float[] fv = new float[users[b].length];
      for (int i = 0; i < fu.length; i++) {
        fu[i] = users[b][i];
        fv[i] = items[b][i];
      }
      return NcfBatches.batch(fu, fv, labels[b], fu.length);
    }
  }

  /** The PyTorch reference's JSON result, or {"skipped": why}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> pytorch(int factor, int batch, int steps, int threads, double budget, String mode)
      throws IOException, InterruptedException {
    Path script = Path.of("bench", "ncf_torch.py");
    if (!Files.exists(script) || !Files.exists(Path.of("/usr/bin/python3"))) {
      return Map.of("skipped", "no /usr/bin/python3 or bench/ncf_torch.py");
    }
    Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--users", "" + USERS, "--items", "" + ITEMS,
        "--factors", "" + factor, "--batch", "" + batch, "--steps", "" + steps, "--warmup", "" + Math.max(1, Math.min(WARM_UP_BATCHES, 200_000 / batch)), "--threads", "" + threads,
        "--mode", mode, "--seed", "1", "--max-seconds", "" + budget).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    String last = out.substring(out.lastIndexOf('\n') + 1);
    return last.startsWith("{") ? Json.readMap(last) : Map.of("skipped", "bench/ncf_torch.py printed no result (exit " + p.exitValue() + ")");
  }

  private static void write(Map<String, Object> r) throws IOException {
    Path dir = Files.createDirectories(Path.of("bench", "results"));
    String stamp = ((String) r.get("date")).replaceAll("[:.]", "").substring(0, 17);
    Files.writeString(dir.resolve("train-" + stamp + ".json"), Json.write(r));
    StringBuilder md = new StringBuilder("# bench-train: NeuMF at ML-20M size (" + USERS + " users x " + ITEMS + " items)\n\n");
    md.append(String.format(Locale.ROOT, "%s cores, %s native thread(s) for every engine, up to %s minibatches or %s s per measurement,"
        + " peak RSS %.2f GiB. ND4J's own sgemm ([16384x256]x[256x256]) here: %.1f GFLOP/s.%n%n", r.get("cores"), r.get("threads"),
        r.get("steps"), r.get("seconds_per_measurement"), (double) r.get("peak_rss_gib"), (double) r.get("nd4j_mmul_gflops")));
    md.append("Samples/s of each engine on the same minibatches. sparse: this project's sparse engine (the default, with the"
        + " configured `models.ncf.sparse-adam`; \"other Adam\": the same engine with the other embedding Adam); graph: DL4J `ComputationGraph.fit` (the previous engine); PyTorch: `bench/ncf_torch.py`, dense Adam and"
        + " sparse embeddings + SparseAdam. GFLOP/s: the sparse engine's dense-layer arithmetic (forward + backward).\n\n");
    md.append("| factors | batch | parameters | sparse | step ms | GFLOP/s | other Adam | graph | PyTorch dense | PyTorch sparse | sparse / graph | sparse / PyTorch sparse |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Object o : (List<?>) r.get("results")) {
      Map<?, ?> m = (Map<?, ?>) o;
      md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,.0f (%s) | %.2f | %.1f | %,.0f (%s) | %,.0f | %s | %s | %.1f | %s |%n", m.get("factors"),
          ((Number) m.get("batch")).intValue(), ((Number) m.get("parameters")).longValue(), (double) m.get("sparse_samples_per_s"),
          m.get("sparse_adam"), (double) m.get("sparse_step_ms"), (double) m.get("sparse_gflops"),
          (double) m.get("sparse_other_adam_samples_per_s"), m.get("sparse_other_adam"), (double) m.get("graph_samples_per_s"),
          rate(m.get("pytorch_dense_samples_per_s")), rate(m.get("pytorch_sparse_samples_per_s")), (double) m.get("sparse_vs_graph"),
          m.get("sparse_vs_pytorch_sparse") == null ? "–" : String.format(Locale.ROOT, "%.2f", (double) m.get("sparse_vs_pytorch_sparse"))));
    }
    Object skipped = ((List<?>) r.get("results")).stream().map(o -> ((Map<?, ?>) o).get("pytorch_skipped")).filter(x -> x != null)
        .findFirst().orElse(null);
    if (skipped != null) {
      md.append("\nPyTorch columns skipped: ").append(skipped).append('\n');
    }
    Object distributed = r.get("distributed");
    if (distributed != null) {
      Object examples = ((Map<?, ?>) ((List<?>) distributed).get(0)).get("examples");
      md.append(String.format(Locale.ROOT, "%n## Distributed training (`training-master = distributed`)%n%nOne epoch of %,d examples at ML-20M"
          + " size (%,d positives with %d uniform negatives each, drawn as the job draws them; factors 8, batch %,d), %s native"
          + " thread(s) a worker, local[2]: the single-JVM engine (`local`, drawing in the driver) against 1 and 2 workers, each"
          + " drawing its own users' examples, per merge frequency (`merge-every-batches`: auto, the default, is 100 / workers"
          + " minibatches; 0 = once per epoch). A distributed epoch = its split (the draws'"
          + " broadcast, the workers' draws) + the rounds' Spark jobs (workers training) + the driver's merges and broadcasts.%n%n",
          ((Number) examples).longValue(), ((Number) examples).longValue() / (DISTRIBUTED_NEGATIVES + 1),
          DISTRIBUTED_NEGATIVES, DISTRIBUTED_BATCH, r.get("threads")));
      Object concurrent = r.get("concurrent_fit");
      if (concurrent instanceof Map<?, ?> c) {
        md.append(String.format(Locale.ROOT, "The ceiling on this machine: the sparse engine alone (no Spark, no merges), each thread training its own"
            + " copy on its own minibatches of %,d at once: 1 thread %,.0f samples/s, 2 threads %,.0f samples/s together: **%.2f x**.%n%n",
            DISTRIBUTED_BATCH, (double) c.get("threads_1_samples_per_s"), (double) c.get("threads_2_samples_per_s"), (double) c.get("two_vs_one")));
      }
      List<Double> defaultRatios = ((List<?>) distributed).stream().map(o -> (Map<?, ?>) o)
          .filter(m -> "auto".equals(m.get("merge_every")) && m.get("vs_one_worker") != null).map(m -> (double) m.get("vs_one_worker")).sorted()
          .toList();
      if (!defaultRatios.isEmpty()) {
        md.append(String.format(Locale.ROOT, "The default (auto), 2 workers against 1 over %d pairs of epochs (the pairs' order alternating):"
            + " median %.2f x, range %.2f-%.2f x (%s).%n%n", defaultRatios.size(), defaultRatios.get(defaultRatios.size() / 2),
            defaultRatios.get(0), defaultRatios.get(defaultRatios.size() - 1),
            defaultRatios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(java.util.stream.Collectors.joining(", "))));
      }
      md.append("| master | workers | merge every | pair | rounds | epoch s | samples/s | vs 1 worker | vs local | split s | workers s | merges s | merge s a round | merge share |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Object o : (List<?>) distributed) {
        Map<?, ?> m = (Map<?, ?>) o;
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %,.0f | %s | %.2f | %.1f | %.1f | %.2f | %.3f | %.1f%% |%n",
            m.get("training_master"), m.get("workers"), "auto".equals(m.get("merge_every")) ? "auto (" + m.get("merge_every_batches") + ")"
                : m.get("merge_every_batches"), m.get("pair") == null ? "–" : m.get("pair"), m.get("rounds"), (double) m.get("epoch_seconds"),
            (double) m.get("samples_per_s"), m.get("vs_one_worker") == null ? "–" : String.format(Locale.ROOT, "%.2f", (double) m.get("vs_one_worker")),
            (double) m.get("vs_local"), (double) m.get("split_seconds"), (double) m.get("workers_seconds"), (double) m.get("merge_seconds"),
            (double) m.get("merge_seconds_per_round"), 100 * (double) m.get("merge_share")));
      }
    }
    Files.writeString(dir.resolve("train-" + stamp + ".md"), md.toString());
  }

  private static String rate(Object o) {
    return o == null ? "–" : String.format(Locale.ROOT, "%,.0f", ((Number) o).doubleValue());
  }
}
