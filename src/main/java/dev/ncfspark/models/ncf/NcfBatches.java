package dev.ncfspark.models.ncf;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training rows (user_idx, item_idx, label) to NCF minibatches, per partition, on the executors:
 * each batch is three [n, 1] float arrays (user index, item index; label) filled straight from
 * the rows — one allocation per batch, none per row, nothing collected to the driver.
 */
public final class NcfBatches {
  public static final String LABEL = "label";

  private NcfBatches() {}

  /**
   * Minibatches of {@code batchSize} rows (the last of a partition may be smaller); {@code
   * ompThreads} limits ND4J's native threads in the executor JVM (0: unchanged).
   */
  public static JavaRDD<MultiDataSet> of(Dataset<Row> rows, int batchSize, int ompThreads) {
    return typed(rows).javaRDD()
        .mapPartitions(it -> {
          NativeThreads.limit(ompThreads);
          return new BatchIterator(it, batchSize);
        });
  }

  /** The columns a batch is filled from, in order and type: user_idx int, item_idx int, label float. */
  public static Dataset<Row> typed(Dataset<Row> rows) {
    return rows.selectExpr("cast(user_idx as int)", "cast(item_idx as int)", "cast(" + LABEL + " as float)");
  }

  /**
   * A partition's examples as column arrays, the unit the sparse engine streams to the driver: one
   * serialized object per {@code size} examples instead of one row object per example. A class,
   * not a record: Spark's Kryo (4.0) cannot instantiate records.
   */
  public static final class ExampleBlock implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] users;
    private final int[] items;
    private final float[] labels;
    private final int size;
    private final boolean endsPartition;

    public ExampleBlock(int[] users, int[] items, float[] labels, int size, boolean endsPartition) {
      this.users = users;
      this.items = items;
      this.labels = labels;
      this.size = size;
      this.endsPartition = endsPartition;
    }

    public int[] users() {
      return users;
    }

    public int[] items() {
      return items;
    }

    public float[] labels() {
      return labels;
    }

    /** Examples in the block (the arrays may be longer). */
    public int size() {
      return size;
    }

    /** True for the last block of its partition. */
    public boolean endsPartition() {
      return endsPartition;
    }

    /** The next {@code max} (or fewer) {@link #typed} rows of a partition. */
    static ExampleBlock read(Iterator<Row> rows, int max) {
      int[] users = new int[max];
      int[] items = new int[max];
      float[] labels = new float[max];
      int n = 0;
      while (n < max && rows.hasNext()) {
        Row r = rows.next();
        users[n] = r.getInt(0);
        items[n] = r.getInt(1);
        labels[n] = r.getFloat(2);
        n++;
      }
      return new ExampleBlock(users, items, labels, n, !rows.hasNext());
    }

    /** The block as a DL4J minibatch (user and item index columns as floats, as DL4J's embedding layers take them). */
    MultiDataSet toMultiDataSet() {
      float[] u = new float[users.length];
      float[] v = new float[items.length];
      for (int i = 0; i < size; i++) {
        u[i] = users[i];
        v[i] = items[i];
      }
      return batch(u, v, labels, size);
    }
  }

  /** The rows (user_idx, item_idx, label) as {@link ExampleBlock}s of at most {@code blockSize}, in partition order. */
  public static JavaRDD<ExampleBlock> blocks(Dataset<Row> rows, int blockSize) {
    return typed(rows).javaRDD().mapPartitions(it -> blocks(it, blockSize));
  }

  /** One partition's (user_idx int, item_idx int, label float) rows as blocks of at most {@code blockSize}. */
  static Iterator<ExampleBlock> blocks(Iterator<Row> rows, int blockSize) {
    return new Iterator<ExampleBlock>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public ExampleBlock next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        return ExampleBlock.read(rows, blockSize);
      }
    };
  }

  /** Receives one minibatch: the first {@code n} entries of the arrays, which are reused by the next call. */
  @FunctionalInterface
  public interface MinibatchConsumer {
    void accept(int[] users, int[] items, float[] labels, int n);
  }

  /**
   * Cuts a stream of blocks into minibatches of {@code batchSize} in order; a block that ends its
   * partition ends a minibatch (then smaller), exactly as {@link #of} cuts a partition's rows.
   */
  public static void forEachMinibatch(Iterator<ExampleBlock> blocks, int batchSize, MinibatchConsumer consumer) {
    int[] users = new int[batchSize];
    int[] items = new int[batchSize];
    float[] labels = new float[batchSize];
    int n = 0;
    while (blocks.hasNext()) {
      ExampleBlock block = blocks.next();
      int at = 0;
      while (at < block.size()) {
        int take = Math.min(batchSize - n, block.size() - at);
        System.arraycopy(block.users(), at, users, n, take);
        System.arraycopy(block.items(), at, items, n, take);
        System.arraycopy(block.labels(), at, labels, n, take);
        n += take;
        at += take;
        if (n == batchSize || (at == block.size() && block.endsPartition())) {
          consumer.accept(users, items, labels, n);
          n = 0;
        }
      }
    }
    if (n > 0) {
      consumer.accept(users, items, labels, n);
    }
  }

  /** The blocks' examples, in order, as one block. */
  static ExampleBlock concat(Iterator<ExampleBlock> blocks) {
    java.util.List<ExampleBlock> all = new java.util.ArrayList<>();
    long total = 0;
    while (blocks.hasNext()) {
      ExampleBlock b = blocks.next();
      all.add(b);
      total += b.size();
    }
    int n = Math.toIntExact(total);
    int[] users = new int[n];
    int[] items = new int[n];
    float[] labels = new float[n];
    int at = 0;
    for (ExampleBlock b : all) {
      System.arraycopy(b.users(), 0, users, at, b.size());
      System.arraycopy(b.items(), 0, items, at, b.size());
      System.arraycopy(b.labels(), 0, labels, at, b.size());
      at += b.size();
    }
    return new ExampleBlock(users, items, labels, n, true);
  }

  /** Groups a partition's rows into minibatches lazily, so a partition is never held in memory. */
  static final class BatchIterator implements Iterator<MultiDataSet> {
    private final Iterator<Row> rows;
    private final int batchSize;

    BatchIterator(Iterator<Row> rows, int batchSize) {
      this.rows = rows;
      this.batchSize = batchSize;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public MultiDataSet next() {
      if (!rows.hasNext()) {
        throw new NoSuchElementException();
      }
      return ExampleBlock.read(rows, batchSize).toMultiDataSet();
    }
  }

  /** A minibatch from the first {@code n} entries of the arrays. */
  public static MultiDataSet batch(float[] users, float[] items, float[] labels, int n) {
    if (n < users.length) {
      users = java.util.Arrays.copyOf(users, n);
      items = java.util.Arrays.copyOf(items, n);
      labels = java.util.Arrays.copyOf(labels, n);
    }
    long[] shape = {n, 1};
    return new org.nd4j.linalg.dataset.MultiDataSet(
        new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.create(users, shape, 'c'), Nd4j.create(items, shape, 'c')},
        new org.nd4j.linalg.api.ndarray.INDArray[] {Nd4j.create(labels, shape, 'c')});
  }
}
