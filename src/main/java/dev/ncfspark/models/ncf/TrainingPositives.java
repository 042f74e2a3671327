package dev.ncfspark.models.ncf;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The training positives held in the training JVM, for {@link InMemoryEpochExamples}: every
 * training (user, item) pair in (user, item) order, and per user the sorted distinct items that
 * are a positive of that user in any split (what a negative must not be). Built in the same order
 * whatever the partitioning of its input. ML-20M: about 20M pairs, 240 MB. Serializable: distributed
 * training broadcasts it once, and every worker makes its own share of each epoch from it.
 */
public final class TrainingPositives implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int numItems;
  private final int[] users;
  private final int[] items;
  private final int[] knownStart;
  private final int[] knownItems;

  private TrainingPositives(int numItems, int[] users, int[] items, int[] knownStart, int[] knownItems) {
    this.numItems = numItems;
    this.users = users;
    this.items = items;
    this.knownStart = knownStart;
    this.knownItems = knownItems;
  }

  /**
   * From {@code train}, the training (user_idx, item_idx) pairs (repeats kept, as the Spark path
   * trains on each row), and {@code known}, every positive pair of the dataset.
   */
  public static TrainingPositives collect(Dataset<Row> train, Dataset<Row> known, int numUsers, int numItems) {
    long[] trainPairs = pairs(train);
    long[] knownPairs = pairs(known);
    return of(trainPairs, knownPairs, numUsers, numItems);
  }

  /** From pairs packed as (user << 32 | item), in any order. */
  static TrainingPositives of(long[] trainPairs, long[] knownPairs, int numUsers, int numItems) {
    Arrays.parallelSort(trainPairs);
    int[] users = new int[trainPairs.length];
    int[] items = new int[trainPairs.length];
    for (int i = 0; i < trainPairs.length; i++) {
      users[i] = check(user(trainPairs[i]), numUsers, "user");
      items[i] = check(item(trainPairs[i]), numItems, "item");
    }
    Arrays.parallelSort(knownPairs);
    int[] start = new int[numUsers + 1];
    int[] known = new int[knownPairs.length];
    int n = 0;
    for (int i = 0; i < knownPairs.length; i++) {
      if (i > 0 && knownPairs[i] == knownPairs[i - 1]) {
        continue;
      }
      int u = check(user(knownPairs[i]), numUsers, "user");
      known[n++] = check(item(knownPairs[i]), numItems, "item");
      start[u + 1]++;
    }
    for (int u = 0; u < numUsers; u++) {
      start[u + 1] += start[u];
    }
    return new TrainingPositives(numItems, users, items, start, Arrays.copyOf(known, n));
  }

  static long pair(int user, int item) {
    return ((long) user << 32) | (item & 0xFFFFFFFFL);
  }

  private static int user(long pair) {
    return (int) (pair >>> 32);
  }

  private static int item(long pair) {
    return (int) pair;
  }

  private static int check(int index, int bound, String what) {
    if (index < 0 || index >= bound) {
      throw new IllegalArgumentException("training positives: " + what + "_idx " + index + " outside [0, " + bound + ")");
    }
    return index;
  }

  /** The (user_idx, item_idx) pairs of a Dataset, packed, streamed from the executors in blocks. */
  private static long[] pairs(Dataset<Row> pairs) {
    Iterator<NcfBatches.ExampleBlock> blocks = NcfBatches.blocks(
        pairs.select(col(Columns.USER_IDX), col(Columns.ITEM_IDX), lit(1.0f).as(NcfBatches.LABEL)), SparkEpochExamples.BLOCK)
        .toLocalIterator();
    long[] out = new long[1 << 16];
    int n = 0;
    while (blocks.hasNext()) {
      NcfBatches.ExampleBlock b = blocks.next();
      if (n + b.size() > out.length) {
        out = Arrays.copyOf(out, Math.max(n + b.size(), out.length * 2));
      }
      for (int i = 0; i < b.size(); i++) {
        out[n++] = pair(b.users()[i], b.items()[i]);
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Training pairs. */
  public int size() {
    return users.length;
  }

  public int numItems() {
    return numItems;
  }

  /** User of the {@code i}-th training pair (in (user, item) order). */
  int user(int i) {
    return users[i];
  }

  /** Item of the {@code i}-th training pair. */
  int item(int i) {
    return items[i];
  }

  /** Distinct items that are a positive of {@code user} in any split. */
  int knownCount(int user) {
    return knownStart[user + 1] - knownStart[user];
  }

  /** True when {@code item} is a positive of {@code user} in any split (binary search). */
  boolean isKnown(int user, int item) {
    return Arrays.binarySearch(knownItems, knownStart[user], knownStart[user + 1], item) >= 0;
  }

  /** The {@code r}-th item (from 0, in index order) that is not a positive of {@code user}; r < numItems - knownCount(user). */
  int freeItem(int user, int r) {
    int item = r;
    for (int i = knownStart[user]; i < knownStart[user + 1] && knownItems[i] <= item; i++) {
      item++;
    }
    return item;
  }
}
