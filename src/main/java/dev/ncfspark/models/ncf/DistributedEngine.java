package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
import dev.ncfspark.models.ncf.engine.RoundSync;
import dev.ncfspark.models.ncf.engine.RoundUpdate;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import scala.Tuple2;

/**
 * The sparse engine trained across Spark's executors ({@code training-master = distributed}).
 * Each epoch's examples are split by user among W workers, so that every user row has exactly
 * one writer: each worker draws its own users' examples in its executor from the run's broadcast
 * training positives ({@link InMemoryEpochExamples#share}, {@code epoch-examples = in-memory}), or
 * Spark's examples are shuffled to the workers ({@link WorkerShares}, {@code spark}). The epoch's model is broadcast once
 * ({@link ShippedModel}); every worker (one Spark
 * task per round) keeps its copy in its executor ({@link ResidentWorkers}), trains its next
 * {@code merge-every-batches} minibatches and returns the item rows and dense layers it changed
 * ({@link RoundUpdate}); the driver merges the rounds in worker order (item rows over the workers
 * that touched them, dense layers over all) and broadcasts the merged item rows and dense layers
 * ({@link RoundSync}) for the next round. Users' rows come back once, with the epoch's last
 * round. A task is a pure function of the broadcasts and its partition: a worker whose copy was
 * lost with its executor replays the epoch's rounds from the broadcasts and returns the same
 * update, and the same seed, data and W give the same model.
 */
final class DistributedEngine implements NcfEngine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DistributedEngine.class);
  private final SparkSession spark;
  private final NcfConfig cfg;
  private final long seed;
  private final SparseEngine driver;
  private final int workers;
  private final String training = UUID.randomUUID().toString();
  private int epoch;
  private EpochTimes lastEpoch;
  private java.util.function.LongConsumer beforeRound = r -> {};
  private Broadcast<InMemoryEpochExamples.Draws> drawsBroadcast;

  DistributedEngine(SparkSession spark, NcfConfig cfg, long seed, SparseEngine driver, int firstEpoch) {
    this.spark = spark;
    this.cfg = cfg;
    this.seed = seed;
    this.driver = driver;
    this.workers = TrainingMasters.workers(cfg, spark.sparkContext());
    this.epoch = firstEpoch;
  }

  /**
   * Where an epoch's time went, in seconds: the split of the examples among the workers, the
   * rounds' Spark jobs (workers training, in parallel), and the driver's merges and broadcasts.
   */
  record EpochTimes(long rounds, double split, double train, double merge) {}

  /** Runs {@code hook} with the round's index before each round (tests: to lose a worker's state). */
  void beforeEachRound(java.util.function.LongConsumer hook) {
    this.beforeRound = hook;
  }

  /** This engine's training, as its workers' states are keyed in {@link ResidentWorkers}. */
  String training() {
    return training;
  }

  /** The last epoch's times (null before the first). */
  EpochTimes lastEpoch() {
    return lastEpoch;
  }

  @Override
  public void fitEpoch(EpochExamples examples, TrainingProgress progress) {
    NativeThreads.limit(cfg.spark().ompThreads());
    long t0 = System.nanoTime();
    if (examples instanceof InMemoryEpochExamples drawn) {
      fitEpoch(drawnShares(drawn), progress, t0);
    } else {
      fitEpoch(sparkShares(examples), progress, t0);
    }
  }

  /**
   * The workers' shares of an epoch: an RDD of W partitions (partition w: worker w's), the
   * examples of each share, how a task gets its share from its partition, and what to release
   * after the epoch.
   */
  private record Shares<T>(JavaRDD<T> partitions, long[] sizes, ShareMaker<T> maker, Runnable release) {}

  /** How a worker's task gets its share of the epoch from its partition (at the first round it runs in an executor). */
  interface ShareMaker<T> extends Serializable {
    NcfBatches.ExampleBlock share(int worker, Iterator<T> partition);
  }

  /** Examples made by Spark, split among the workers by a shuffle ({@link WorkerShares}): one job before the first round. */
  private Shares<NcfBatches.ExampleBlock> sparkShares(EpochExamples examples) {
    JavaRDD<NcfBatches.ExampleBlock> shares = WorkerShares.of(examples.rows(), workers, seed, epoch).persist(StorageLevel.MEMORY_AND_DISK());
    // materialises the shares (one job), and sizes the rounds
    long[] sizes = shares.map(b -> (long) b.size()).collect().stream().mapToLong(Long::longValue).toArray();
    return new Shares<>(shares, sizes, (worker, partition) -> partition.next(), shares::unpersist);
  }

  /**
   * Examples each worker draws itself, in its executor, from the run's training positives
   * (broadcast once a run): no Spark job and no shuffle per epoch, the same examples as a
   * single-JVM epoch ({@link InMemoryEpochExamples#share}).
   */
  private Shares<Integer> drawnShares(InMemoryEpochExamples examples) {
    if (drawsBroadcast == null || drawsBroadcast.value() != examples.draws()) {
      if (drawsBroadcast != null) {
        drawsBroadcast.destroy();
      }
      // kept across epochs; Spark's context cleaner removes it from the executors once this engine is gone
      drawsBroadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(examples.draws());
    }
    List<Integer> ids = java.util.stream.IntStream.range(0, workers).boxed().toList();
    Broadcast<InMemoryEpochExamples.Draws> draws = drawsBroadcast;
    int epochOfShares = epoch;
    int all = workers;
    // cached (a tiny job), so that each worker's later rounds prefer the executor that holds its
    // block, where its resident model is, as the Spark path's cached shares do
    JavaRDD<Integer> partitions = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(ids, workers)
        .persist(StorageLevel.MEMORY_ONLY());
    partitions.count();
    return new Shares<>(partitions, examples.shareSizes(workers),
        (worker, partition) -> new InMemoryEpochExamples(draws.value(), epochOfShares).share(worker, all), partitions::unpersist);
  }

  private <T> void fitEpoch(Shares<T> shares, TrainingProgress progress, long t0) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> start = null;
    List<Broadcast<byte[]>> syncs = new ArrayList<>();
    try {
      int batch = cfg.batchSize();
      long most = java.util.Arrays.stream(shares.sizes()).map(n -> (n + batch - 1) / batch).max().orElse(0);
      int every = cfg.spark().mergeEveryBatches(workers);
      long rounds = every == 0 ? 1 : Math.max(1, (most + every - 1) / every);
      start = jsc.broadcast(driver.shipped());
      double split = (System.nanoTime() - t0) / 1e9;
      double train = 0;
      double merge = 0;
      WorkerRound.Plan plan = new WorkerRound.Plan(training, epoch, rounds, NcfEngines.settings(cfg, seed), NcfEngines.kernels(cfg), batch,
          every, cfg.spark().ompThreads());
      for (long r = 0; r < rounds; r++) {
        beforeRound.accept(r);
        long r0 = System.nanoTime();
        WorkerRound<T> task = new WorkerRound<>(plan, r, start, List.copyOf(syncs), progress, shares.maker());
        List<Tuple2<Integer, byte[]>> results = new ArrayList<>(withWorkerResources(shares.partitions().mapPartitionsWithIndex(task, true)).collect());
        results.sort(Comparator.comparing(Tuple2::_1));
        List<RoundUpdate> updates = new ArrayList<>();
        for (Tuple2<Integer, byte[]> t : results) {
          updates.add(fromBytes(t._2()));
        }
        long r1 = System.nanoTime();
        driver.network().merge(updates, cfg.spark().merge() == NcfConfig.Merge.SUM);
        if (r < rounds - 1) {
          syncs.add(jsc.broadcast(toBytes(driver.network().sync(updates))));
        }
        long r2 = System.nanoTime();
        train += (r1 - r0) / 1e9;
        merge += (r2 - r1) / 1e9;
        if (r == 0 || r == rounds - 1 || (r + 1) % 50 == 0) {
          LOG.info(String.format(Locale.ROOT, "epoch %d: round %d/%d of %d workers (%d minibatches): workers %.2f s, merge %.2f s", epoch,
              r + 1, rounds, workers, updates.stream().mapToLong(RoundUpdate::steps).sum(), (r1 - r0) / 1e9, (r2 - r1) / 1e9));
        }
      }
      driver.networkChanged();
      // the epoch's parameters as dense Adam has them (catch-up), before they are scored or saved
      driver.network().catchUpAll();
      lastEpoch = new EpochTimes(rounds, split, train, merge);
      double all = split + train + merge;
      LOG.info(String.format(Locale.ROOT, "epoch %d on %d workers: %d rounds; split %.1f s (%.0f%%), workers %.1f s (%.0f%%), merges %.1f s"
          + " (%.0f%%, %.3f s a round)", epoch, workers, rounds, split, 100 * split / all, train, 100 * train / all, merge,
          100 * merge / all, merge / rounds));
    } finally {
      shares.release().run();
      if (start != null) {
        start.destroy();
      }
      syncs.forEach(Broadcast::destroy);
      ResidentWorkers.drop(training);
      epoch++;
    }
  }

  /**
   * The rounds' tasks with {@code worker-gpus} GPUs each (a task resource profile, so that on GPU
   * executors each worker has its own GPU while other stages' tasks share it); as is with 0.
   */
  private <T> JavaRDD<T> withWorkerResources(JavaRDD<T> rounds) {
    double gpus = cfg.spark().workerGpus();
    if (gpus <= 0) {
      return rounds;
    }
    TaskResourceRequests task = new TaskResourceRequests().resource("gpu", gpus);
    return rounds.withResources(new ResourceProfileBuilder().require(task).build());
  }

  @Override
  public float[] predict(int[] users, int[] items, int n) {
    return driver.predict(users, items, n);
  }

  @Override
  public ComputationGraph model() {
    return driver.model();
  }

  @Override
  public byte[] checkpoint() {
    return driver.checkpoint();
  }

  /**
   * One round of one worker, run as a Spark task on the worker's share: bring the worker's
   * resident copy to the merged model of this round's start (replaying the epoch's earlier
   * rounds when the copy is missing), train the round's minibatches, return the update.
   */
  static final class WorkerRound<T> implements Function2<Integer, Iterator<T>, Iterator<Tuple2<Integer, byte[]>>> {
    /** What every round of an epoch shares. */
    record Plan(String training, int epoch, long rounds, SparseNcfNetwork.Settings settings, EmbeddingKernels.Choice kernels, int batchSize,
        int every, int threads) implements Serializable {}

    private final Plan plan;
    private final long round;
    private final Broadcast<byte[]> start;
    private final List<Broadcast<byte[]>> syncs;
    private final TrainingProgress progress;
    private final ShareMaker<T> shares;

    WorkerRound(Plan plan, long round, Broadcast<byte[]> start, List<Broadcast<byte[]>> syncs, TrainingProgress progress,
        ShareMaker<T> shares) {
      this.plan = plan;
      this.round = round;
      this.start = start;
      this.syncs = syncs;
      this.progress = progress;
      this.shares = shares;
    }

    @Override
    public Iterator<Tuple2<Integer, byte[]>> call(Integer worker, Iterator<T> partition) {
      NativeThreads.limit(plan.threads());
      synchronized (ResidentWorkers.lock(plan.training(), worker)) {
        ResidentWorkers.State s = ResidentWorkers.get(plan.training(), worker);
        if (s != null && s.epoch == plan.epoch() && s.round == round && s.trained) {
          return result(worker, s.update);
        }
        if (s == null || s.epoch != plan.epoch() || s.round > round) {
          s = new ResidentWorkers.State(plan.training(), plan.epoch(), restore(worker), shares.share(worker, partition));
          ResidentWorkers.put(worker, s);
        }
        NcfBatches.ExampleBlock share = s.share;
        long replayed = 0;
        while (s.round < round) {
          if (!s.trained) {
            train(s.network, share, s.round, false);
            replayed++;
          }
          s.network.applySync(fromSyncBytes(syncs.get(Math.toIntExact(s.round)).value()));
          s.round++;
          s.trained = false;
        }
        if (replayed > 0) {
          LOG.warn(String.format(Locale.ROOT, "epoch %d worker %d: its model was not in this executor; rebuilt by replaying %d round(s)",
              plan.epoch(), worker, replayed));
        }
        RoundUpdate update = train(s.network, share, round, true);
        s.update = toBytes(update);
        s.trained = true;
        return result(worker, s.update);
      }
    }

    /** The epoch's broadcast model, with this worker's own dropout masks for this epoch (worker 0's the single engine's). */
    private SparseNcfNetwork restore(int worker) {
      SparseNcfNetwork.Settings t = plan.settings();
      SparseNcfNetwork.Settings own = new SparseNcfNetwork.Settings(t.learningRate(), t.beta1(), t.beta2(), t.l2(), t.dropout(),
          t.seed() + 1_000_003L * worker + 7_919L * plan.epoch(), t.catchUp());
      return ShippedModel.restore(start.value(), own, plan.kernels());
    }

    /** Trains round {@code r}'s minibatches of the share; the users' rows are in the update of the epoch's last round. */
    private RoundUpdate train(SparseNcfNetwork net, NcfBatches.ExampleBlock share, long r, boolean counted) {
      int batch = plan.batchSize();
      long from = plan.every() == 0 ? 0 : r * plan.every() * (long) batch;
      long to = plan.every() == 0 ? share.size() : Math.min(share.size(), (r + 1) * plan.every() * (long) batch);
      net.startRound(r > 0);
      int[] users = new int[batch];
      int[] items = new int[batch];
      float[] labels = new float[batch];
      for (long at = from; at < to; at += batch) {
        int n = (int) Math.min(batch, to - at);
        System.arraycopy(share.users(), (int) at, users, 0, n);
        System.arraycopy(share.items(), (int) at, items, 0, n);
        System.arraycopy(share.labels(), (int) at, labels, 0, n);
        net.fit(users, items, labels, n);
        if (counted) {
          progress.batchDone(n);
        }
      }
      return net.roundUpdate(r == plan.rounds() - 1);
    }

    private static Iterator<Tuple2<Integer, byte[]>> result(int worker, byte[] update) {
      return List.of(new Tuple2<>(worker, update)).iterator();
    }
  }

  /** A round's update or sync as bytes: Java serialization, whatever serializer Spark is configured with. */
  static byte[] toBytes(Serializable update) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(update);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RoundUpdate fromBytes(byte[] bytes) {
    return (RoundUpdate) readObject(bytes);
  }

  static RoundSync fromSyncBytes(byte[] bytes) {
    return (RoundSync) readObject(bytes);
  }

  private static Object readObject(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
