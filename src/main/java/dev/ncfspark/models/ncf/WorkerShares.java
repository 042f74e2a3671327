package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * An epoch's examples split by user among W data-parallel workers: partition w holds, as one
 * {@link NcfBatches.ExampleBlock}, every example of the users whose seeded hash falls to worker w,
 * so that each user row has exactly one writer. Within a share the examples are ordered by a
 * seeded hash of (epoch, user, item, label), so the order does not depend on how the examples
 * were partitioned before. The shuffle moves column chunks, not one object per example, and
 * each share is sorted as primitive arrays.
 */
final class WorkerShares {
  /** Examples per chunk a map task sends to one worker. */
  static final int CHUNK = 1 << 18;

  private WorkerShares() {}

  static JavaRDD<NcfBatches.ExampleBlock> of(Dataset<Row> examples, int workers, long seed, int epoch) {
    Dataset<Row> keyed = examples.select(pmod(SeededRandom.hash(seed, "ncf-worker", col(Columns.USER_IDX)), lit(workers)).cast("int"),
        SeededRandom.hash(seed, "ncf-worker-order-" + epoch, col(Columns.USER_IDX), col(Columns.ITEM_IDX), col(NcfBatches.LABEL)),
        col(Columns.USER_IDX).cast("int"), col(Columns.ITEM_IDX).cast("int"), col(NcfBatches.LABEL).cast("float"));
    // Spark's own rows (no conversion to external Row objects: that conversion was a third of the split)
    return keyed.queryExecution().toRdd().toJavaRDD()
        .mapPartitionsToPair(rows -> chunks(rows, workers))
        .partitionBy(new ByWorker(workers))
        .values()
        .mapPartitions(chunks -> List.of(sorted(chunks)).iterator(), true);
  }

  /** One map task's rows as chunks keyed by worker (rows: worker, order, user, item, label). */
  static Iterator<Tuple2<Integer, Chunk>> chunks(Iterator<InternalRow> rows, int workers) {
    Chunk[] open = new Chunk[workers];
    List<Tuple2<Integer, Chunk>> out = new ArrayList<>();
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      int w = r.getInt(0);
      if (open[w] == null) {
        open[w] = new Chunk(CHUNK);
      }
      open[w].add(r.getLong(1), r.getInt(2), r.getInt(3), r.getFloat(4));
      if (open[w].size == CHUNK) {
        out.add(new Tuple2<>(w, open[w]));
        open[w] = null;
      }
    }
    for (int w = 0; w < workers; w++) {
      if (open[w] != null) {
        out.add(new Tuple2<>(w, open[w].trimmed()));
      }
    }
    return out.iterator();
  }

  /** A worker's chunks, in whatever order the shuffle delivers them, as one block sorted by (order, user, item, label). */
  static NcfBatches.ExampleBlock sorted(Iterator<Chunk> chunks) {
    List<Chunk> all = new ArrayList<>();
    long total = 0;
    while (chunks.hasNext()) {
      Chunk c = chunks.next();
      all.add(c);
      total += c.size;
    }
    int n = Math.toIntExact(total);
    long[] order = new long[n];
    int[] users = new int[n];
    int[] items = new int[n];
    float[] labels = new float[n];
    int at = 0;
    for (Chunk c : all) {
      System.arraycopy(c.order, 0, order, at, c.size);
      System.arraycopy(c.users, 0, users, at, c.size);
      System.arraycopy(c.items, 0, items, at, c.size);
      System.arraycopy(c.labels, 0, labels, at, c.size);
      at += c.size;
    }
    int[] perm = permutation(order, users, items, labels, n);
    int[] u = new int[n];
    int[] v = new int[n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      u[i] = users[perm[i]];
      v[i] = items[perm[i]];
      y[i] = labels[perm[i]];
    }
    return new NcfBatches.ExampleBlock(u, v, y, n, true);
  }

  /**
   * The indices of the examples in (order, user, item, label) order: a primitive sort of the
   * order's high bits packed with the index, then the (rare) runs of equal high bits put in full
   * order, so that the result depends only on the examples, never on their input positions.
   */
  static int[] permutation(long[] order, int[] users, int[] items, float[] labels, int n) {
    int bits = Math.max(1, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    long[] packed = new long[n];
    for (int i = 0; i < n; i++) {
      packed[i] = (order[i] & ~mask) | i;
    }
    Arrays.sort(packed);
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = (int) (packed[i] & mask);
    }
    Comparator<Integer> full = Comparator.<Integer>comparingLong(i -> order[i]).thenComparingInt(i -> users[i])
        .thenComparingInt(i -> items[i]).thenComparingDouble(i -> labels[i]);
    for (int start = 0; start < n;) {
      int end = start + 1;
      while (end < n && (packed[end] & ~mask) == (packed[start] & ~mask)) {
        end++;
      }
      if (end - start > 1) {
        Integer[] run = new Integer[end - start];
        for (int k = 0; k < run.length; k++) {
          run[k] = perm[start + k];
        }
        Arrays.sort(run, full);
        for (int k = 0; k < run.length; k++) {
          perm[start + k] = run[k];
        }
      }
      start = end;
    }
    return perm;
  }

  /** Up to {@code capacity} examples bound for one worker, as columns. A class, not a record: Spark's Kryo cannot instantiate records. */
  static final class Chunk implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final long[] order;
    final int[] users;
    final int[] items;
    final float[] labels;
    int size;

    Chunk(int capacity) {
      this(new long[capacity], new int[capacity], new int[capacity], new float[capacity], 0);
    }

    private Chunk(long[] order, int[] users, int[] items, float[] labels, int size) {
      this.order = order;
      this.users = users;
      this.items = items;
      this.labels = labels;
      this.size = size;
    }

    /** The chunk with arrays of its size (what a partial chunk ships). */
    Chunk trimmed() {
      return new Chunk(Arrays.copyOf(order, size), Arrays.copyOf(users, size), Arrays.copyOf(items, size), Arrays.copyOf(labels, size), size);
    }

    void add(long o, int u, int v, float y) {
      order[size] = o;
      users[size] = u;
      items[size] = v;
      labels[size] = y;
      size++;
    }
  }

  /** Partition w holds worker w's chunks. */
  static final class ByWorker extends Partitioner {
    private final int workers;

    ByWorker(int workers) {
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return workers;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByWorker b && b.workers == workers;
    }

    @Override
    public int hashCode() {
      return workers;
    }
  }
}
