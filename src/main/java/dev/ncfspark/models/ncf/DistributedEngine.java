package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
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
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import scala.Tuple2;

/**
 * The sparse engine trained across Spark's executors ({@code training-master = distributed}).
 * Each epoch's examples are split by user among W workers, so that every user row has exactly
 * one writer; a worker's examples keep a seeded order. Each round broadcasts the driver's model
 * (parameters and optimizer state), every worker (one Spark task) trains its next
 * {@code merge-every-batches} minibatches on its own copy of the sparse engine and returns what
 * it changed ({@link RoundUpdate}), and the driver merges the rounds in worker order: embedding
 * rows as the mean over the workers that touched them, dense layers as the mean over all. A task
 * is a pure function of the broadcast and its partition, so a task lost and rerun by Spark
 * returns the same update, and the same seed, data and W give the same model.
 */
final class DistributedEngine implements NcfEngine {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DistributedEngine.class);
  private final SparkSession spark;
  private final NcfConfig cfg;
  private final long seed;
  private final SparseEngine driver;
  private final int workers;
  private int epoch;

  DistributedEngine(SparkSession spark, NcfConfig cfg, long seed, SparseEngine driver, int firstEpoch) {
    this.spark = spark;
    this.cfg = cfg;
    this.seed = seed;
    this.driver = driver;
    this.workers = TrainingMasters.workers(cfg, spark.sparkContext());
    this.epoch = firstEpoch;
  }

  @Override
  public void fitEpoch(EpochExamples examples, TrainingProgress progress) {
    NativeThreads.limit(cfg.spark().ompThreads());
    JavaRDD<NcfBatches.ExampleBlock> shares = byWorker(examples, epoch).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int every = cfg.spark().mergeEveryBatches();
      long rounds = every == 0 ? 1 : Math.max(1, (mostMinibatches(shares) + every - 1) / every);
      for (long r = 0; r < rounds; r++) {
        long start = System.nanoTime();
        List<RoundUpdate> updates = round(shares, every == 0 ? 0 : r * every, every == 0 ? Long.MAX_VALUE : (r + 1) * every);
        driver.network().merge(updates, cfg.spark().merge() == NcfConfig.Merge.SUM);
        driver.networkChanged();
        long steps = updates.stream().mapToLong(RoundUpdate::steps).sum();
        if (r == 0 || r == rounds - 1 || (r + 1) % 50 == 0) {
          LOG.info(String.format(Locale.ROOT, "epoch %d: merge %d/%d of %d workers (%d minibatches) in %.2f s", epoch, r + 1, rounds,
              workers, steps, (System.nanoTime() - start) / 1e9));
        }
      }
      // the epoch's parameters as dense Adam has them (catch-up), before they are scored or saved
      driver.network().catchUpAll();
    } finally {
      shares.unpersist();
      epoch++;
    }
  }

  /** The most minibatches any worker's share makes (one Spark job over the cached shares). */
  private long mostMinibatches(JavaRDD<NcfBatches.ExampleBlock> shares) {
    int batch = cfg.batchSize();
    return shares.mapPartitions(blocks -> {
      long n = 0;
      while (blocks.hasNext()) {
        n += blocks.next().size();
      }
      return List.of(n).iterator();
    }).collect().stream().mapToLong(n -> (n + batch - 1) / batch).max().orElse(0);
  }

  /** The workers' updates of one round: minibatches [from, to) of every worker's share, in worker order. */
  private List<RoundUpdate> round(JavaRDD<NcfBatches.ExampleBlock> shares, long from, long to) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> model = jsc.broadcast(driver.checkpoint());
    try {
      WorkerRound task = new WorkerRound(model, NcfEngines.settings(cfg, seed), NcfEngines.kernels(cfg), cfg.batchSize(), from, to,
          cfg.spark().ompThreads());
      List<Tuple2<Integer, byte[]>> results = new ArrayList<>(shares.mapPartitionsWithIndex(task, true).collect());
      results.sort(Comparator.comparing(Tuple2::_1));
      List<RoundUpdate> updates = new ArrayList<>();
      for (Tuple2<Integer, byte[]> t : results) {
        updates.add(fromBytes(t._2()));
      }
      return updates;
    } finally {
      model.destroy();
    }
  }

  /**
   * The epoch's examples as W partitions, partition w holding every example of the users that
   * hash to worker w, in a seeded order of (epoch, user, item, label): independent of how the
   * examples were partitioned before.
   */
  JavaRDD<NcfBatches.ExampleBlock> byWorker(EpochExamples examples, int epochIndex) {
    int w = workers;
    JavaRDD<Row> keyed = examples.rows()
        .select(pmod(SeededRandom.hash(seed, "ncf-worker", col(Columns.USER_IDX)), lit(w)).cast("int"),
            SeededRandom.hash(seed, "ncf-worker-order-" + epochIndex, col(Columns.USER_IDX), col(Columns.ITEM_IDX), col(NcfBatches.LABEL)),
            col(Columns.USER_IDX).cast("int"), col(Columns.ITEM_IDX).cast("int"), col(NcfBatches.LABEL).cast("float"))
        .javaRDD();
    return keyed
        .mapToPair(r -> new Tuple2<>(new Tuple2<>(r.getInt(0), r.getLong(1)), RowFactory.create(r.getInt(2), r.getInt(3), r.getFloat(4))))
        .repartitionAndSortWithinPartitions(new WorkerPartitioner(w), new WorkerOrder())
        .values()
        .mapPartitions(rows -> NcfBatches.blocks(rows, SparkEpochExamples.BLOCK), true);
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

  /** Worker w of partition w: its share's examples to the user's worker, by the key's worker. */
  static final class WorkerPartitioner extends Partitioner {
    private final int workers;

    WorkerPartitioner(int workers) {
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return workers;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int getPartition(Object key) {
      return ((Tuple2<Integer, Long>) key)._1();
    }
  }

  /** Orders a worker's examples by their seeded hash. */
  static final class WorkerOrder implements Comparator<Tuple2<Integer, Long>>, Serializable {
    @Override
    public int compare(Tuple2<Integer, Long> a, Tuple2<Integer, Long> b) {
      int c = Integer.compare(a._1(), b._1());
      return c != 0 ? c : Long.compare(a._2(), b._2());
    }
  }

  /** One worker's round on an executor: restore the broadcast model, train its minibatches [from, to), return the update. */
  static final class WorkerRound implements Function2<Integer, Iterator<NcfBatches.ExampleBlock>, Iterator<Tuple2<Integer, byte[]>>> {
    private final Broadcast<byte[]> model;
    private final SparseNcfNetwork.Settings settings;
    private final EmbeddingKernels.Choice kernels;
    private final int batchSize;
    private final long from;
    private final long to;
    private final int threads;

    WorkerRound(Broadcast<byte[]> model, SparseNcfNetwork.Settings settings, EmbeddingKernels.Choice kernels, int batchSize, long from,
        long to, int threads) {
      this.model = model;
      this.settings = settings;
      this.kernels = kernels;
      this.batchSize = batchSize;
      this.from = from;
      this.to = to;
      this.threads = threads;
    }

    @Override
    public Iterator<Tuple2<Integer, byte[]>> call(Integer worker, Iterator<NcfBatches.ExampleBlock> share) {
      NativeThreads.limit(threads);
      // each worker its own dropout masks; worker 0 those of the single-JVM engine
      SparseNcfNetwork.Settings own = new SparseNcfNetwork.Settings(settings.learningRate(), settings.beta1(), settings.beta2(),
          settings.l2(), settings.dropout(), settings.seed() + 1_000_003L * worker, settings.catchUp());
      SparseNcfNetwork net = NcfEngines.restoreNetwork(model.value(), own, kernels, "the broadcast model", new ComputationGraph[1]);
      net.startRound();
      long[] index = {0};
      NcfBatches.forEachMinibatch(share, batchSize, (users, items, labels, n) -> {
        if (index[0] >= from && index[0] < to) {
          net.fit(users, items, labels, n);
        }
        index[0]++;
      });
      return List.of(new Tuple2<>(worker, toBytes(net.roundUpdate()))).iterator();
    }
  }

  /** A round's update as bytes: Java serialization, whatever serializer Spark is configured with. */
  static byte[] toBytes(RoundUpdate update) {
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
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (RoundUpdate) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
