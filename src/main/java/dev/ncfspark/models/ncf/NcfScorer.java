package dev.ncfspark.models.ncf;

import dev.ncfspark.data.Columns;
import dev.ncfspark.models.PairScorer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores (user_idx, item_idx) pairs with a trained NCF graph on the executors: the model is
 * broadcast once, each executor restores it once per concurrently running task and reuses it
 * across partitions, and pairs are scored in batches of {@code batchSize}. Users or items outside
 * the trained tables (cold) score NaN, which the evaluators rank last.
 */
public final class NcfScorer implements PairScorer, AutoCloseable {
  /** Restored graphs per broadcast id, each used by one task at a time. */
  private static final Map<Long, ConcurrentLinkedQueue<ComputationGraph>> POOL = new ConcurrentHashMap<>();

  private final Broadcast<byte[]> model;
  private final int numUsers;
  private final int numItems;
  private final int batchSize;

  private final int ompThreads;

  private NcfScorer(Broadcast<byte[]> model, int numUsers, int numItems, int batchSize, int ompThreads) {
    this.model = model;
    this.ompThreads = ompThreads;
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.batchSize = batchSize;
  }

  /** A scorer for {@code net}, whose embedding tables have {@code numUsers} and {@code numItems} rows. */
  public static NcfScorer of(SparkSession spark, ComputationGraph net, int numUsers, int numItems, int batchSize, int ompThreads) {
    byte[] bytes = NcfCheckpoints.bytes(net, false);
    return new NcfScorer(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes), numUsers, numItems, batchSize, ompThreads);
  }

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    StructType schema = pairs.schema().add(SCORE, DataTypes.DoubleType);
    int userField = pairs.schema().fieldIndex(Columns.USER_IDX);
    int itemField = pairs.schema().fieldIndex(Columns.ITEM_IDX);
    Broadcast<byte[]> bytes = model;
    int users = numUsers;
    int items = numItems;
    int batch = batchSize;
    int threads = ompThreads;
    return pairs.mapPartitions(
        (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it -> {
          NativeThreads.limit(threads);
          ComputationGraph net = borrow(bytes);
          return new ScoredIterator(it, net, bytes.id(), userField, itemField, users, items, batch);
        },
        Encoders.row(schema));
  }

  private static ComputationGraph borrow(Broadcast<byte[]> bytes) throws IOException {
    ComputationGraph net = POOL.computeIfAbsent(bytes.id(), k -> new ConcurrentLinkedQueue<>()).poll();
    return net != null ? net : ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.value()), false);
  }

  /** Releases the broadcast model (and the executors' restored copies on their next use). */
  @Override
  public void close() {
    POOL.remove(model.id());
    model.destroy();
  }

  /** Appends a score to each row, a batch at a time; hands the graph back when the partition ends. */
  private static final class ScoredIterator implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final long poolKey;
    private final int userField;
    private final int itemField;
    private final int numUsers;
    private final int numItems;
    private final int batchSize;
    private ComputationGraph net;
    private final List<Row> pending = new ArrayList<>();
    private double[] scores = new double[0];
    private int next;

    ScoredIterator(Iterator<Row> rows, ComputationGraph net, long poolKey, int userField, int itemField, int numUsers, int numItems,
        int batchSize) {
      this.rows = rows;
      this.net = net;
      this.poolKey = poolKey;
      this.userField = userField;
      this.itemField = itemField;
      this.numUsers = numUsers;
      this.numItems = numItems;
      this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
      if (next < pending.size()) {
        return true;
      }
      if (!rows.hasNext()) {
        release();
        return false;
      }
      fill();
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = pending.get(next);
      Object[] values = new Object[r.length() + 1];
      for (int i = 0; i < r.length(); i++) {
        values[i] = r.get(i);
      }
      values[r.length()] = scores[next++];
      return RowFactory.create(values);
    }

    private void fill() {
      pending.clear();
      next = 0;
      while (pending.size() < batchSize && rows.hasNext()) {
        pending.add(rows.next());
      }
      int n = pending.size();
      float[] users = new float[n];
      float[] items = new float[n];
      boolean[] known = new boolean[n];
      for (int i = 0; i < n; i++) {
        Row r = pending.get(i);
        boolean ok = !r.isNullAt(userField) && !r.isNullAt(itemField);
        long u = ok ? ((Number) r.get(userField)).longValue() : -1;
        long v = ok ? ((Number) r.get(itemField)).longValue() : -1;
        known[i] = u >= 0 && u < numUsers && v >= 0 && v < numItems;
        users[i] = known[i] ? u : 0;
        items[i] = known[i] ? v : 0;
      }
      long[] shape = {n, 1};
      INDArray out = net.outputSingle(false, Nd4j.create(users, shape, 'c'), Nd4j.create(items, shape, 'c'));
      float[] raw = out.ravel().toFloatVector();
      scores = new double[n];
      for (int i = 0; i < n; i++) {
        scores[i] = known[i] ? raw[i] : Double.NaN;
      }
    }

    private void release() {
      if (net != null) {
        ConcurrentLinkedQueue<ComputationGraph> q = POOL.get(poolKey);
        if (q != null) {
          q.offer(net);
        }
        net = null;
      }
    }
  }
}
