package dev.ncfspark.models.ncf;

import dev.ncfspark.data.negatives.TrainNegativeSampler;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An epoch's examples made in the training JVM, as the NCF authors' code and the MLPerf
 * reference make them: each training positive with {@code perPositive} negatives, each drawn
 * uniformly (or from the popularity table of {@link TrainNegativeSampler}) and redrawn while it
 * is a positive of its user in any split, all in a seeded random order (Fisher-Yates). The same
 * distribution as the Spark SQL sampler and hash shuffle, at no Spark job per epoch: at ML-20M
 * size the Spark way takes minutes per epoch, this one seconds.
 *
 * <p>Example {@code s} of the unshuffled epoch is positive {@code s / (perPositive + 1)} when
 * {@code s % (perPositive + 1) == 0}, else one of its negatives, whose item is a hash of (seed,
 * epoch, s): an example's value does not depend on when or where it is generated. Users for
 * whom every item is a positive get no negatives (as in the Spark sampler).
 */
public final class InMemoryEpochExamples implements EpochExamples {
  /** Examples per block handed to the trainer. */
  static final int BLOCK = 65_536;
  /** Uniform draws rejected before the negative is taken directly from the user's free items. */
  static final int UNIFORM_ATTEMPTS = 64;
  /** Popularity draws rejected before giving up (the user's free items carry no weight). */
  static final int POPULARITY_ATTEMPTS = 1 << 16;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private final TrainingPositives positives;
  private final int[] slotItems;
  private final int perPositive;
  private final long epochSeed;
  private final int[] order;

  /**
   * {@code slotItems}: the item of each popularity slot, or null for uniform negatives; {@code
   * seed} and {@code epoch} fix the draws and the order.
   */
  public InMemoryEpochExamples(TrainingPositives positives, int[] slotItems, int perPositive, long seed, int epoch) {
    this.positives = positives;
    this.slotItems = slotItems;
    this.perPositive = perPositive;
    this.epochSeed = mix(mix(seed) ^ mix(GOLDEN * (epoch + 1L)));
    this.order = order();
  }

  /**
   * Every epoch of one run: the positives are collected to this JVM once, at the first epoch.
   * {@code train}: training (user_idx, item_idx); {@code known}: every positive pair, all splits.
   */
  public static Source source(Dataset<Row> train, Dataset<Row> known, int numUsers, int numItems, int perPositive,
      double popularityAlpha, long seed) {
    return new Source() {
      private TrainingPositives positives;
      private int[] slotItems;

      @Override
      public EpochExamples epoch(int epoch) {
        if (positives == null) {
          positives = TrainingPositives.collect(train, known, numUsers, numItems);
          slotItems = popularityAlpha > 0 ? slotItems(new TrainNegativeSampler(perPositive, popularityAlpha, seed).popularityTable(train))
              : null;
        }
        return new InMemoryEpochExamples(positives, slotItems, perPositive, seed, epoch);
      }

      @Override
      public void close() {
        positives = null;
      }
    };
  }

  /** The popularity table (slot, item_idx) as an array indexed by slot. */
  static int[] slotItems(Dataset<Row> table) {
    int[] items = new int[TrainNegativeSampler.POPULARITY_SLOTS];
    java.util.Arrays.fill(items, -1);
    for (Iterator<Row> it = table.select("_slot", "item_idx").toLocalIterator(); it.hasNext(); ) {
      Row r = it.next();
      items[r.getInt(0)] = r.getInt(1);
    }
    for (int slot = 0; slot < items.length; slot++) {
      if (items[slot] < 0) {
        throw new IllegalStateException("popularity table: slot " + slot + " has no item");
      }
    }
    return items;
  }

  /** SplitMix64's finaliser: a bijective mix of 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The epoch's examples (unshuffled numbering) in a seeded random order. */
  private int[] order() {
    long slots = (long) positives.size() * (perPositive + 1);
    long count = 0;
    for (int p = 0; p < positives.size(); p++) {
      count += hasNegatives(positives.user(p)) ? perPositive + 1 : 1;
    }
    if (slots > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("an epoch of " + slots + " examples is too large to hold in one JVM: "
          + "use models.ncf.epoch-examples = spark");
    }
    int[] out = new int[(int) count];
    int n = 0;
    for (int p = 0; p < positives.size(); p++) {
      int first = p * (perPositive + 1);
      int last = hasNegatives(positives.user(p)) ? first + perPositive : first;
      for (int s = first; s <= last; s++) {
        out[n++] = s;
      }
    }
    SplittableRandom random = new SplittableRandom(epochSeed);
    for (int i = out.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  private boolean hasNegatives(int user) {
    return perPositive > 0 && positives.knownCount(user) < positives.numItems();
  }

  @Override
  public long size() {
    return order.length;
  }

  @Override
  public Iterator<NcfBatches.ExampleBlock> blocks() {
    return new Iterator<>() {
      private int at;

      @Override
      public boolean hasNext() {
        return at < order.length;
      }

      @Override
      public NcfBatches.ExampleBlock next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int n = Math.min(BLOCK, order.length - at);
        NcfBatches.ExampleBlock b = block(at, 1, n);
        at += n;
        return b;
      }
    };
  }

  /** Examples {@code from}, {@code from + stride}, ... of the shuffled epoch, {@code n} of them. */
  private NcfBatches.ExampleBlock block(int from, int stride, int n) {
    int[] users = new int[n];
    int[] items = new int[n];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      int s = order[from + i * stride];
      int p = s / (perPositive + 1);
      int user = positives.user(p);
      users[i] = user;
      if (s % (perPositive + 1) == 0) {
        items[i] = positives.item(p);
        labels[i] = 1f;
      } else {
        items[i] = negative(user, s);
      }
    }
    return new NcfBatches.ExampleBlock(users, items, labels, n, from + (long) n * stride >= order.length);
  }

  /** The negative item of example {@code s} (of {@code user}). */
  int negative(int user, int s) {
    long h = mix(epochSeed ^ (GOLDEN * (s + 1L)));
    int numItems = positives.numItems();
    int attempts = slotItems == null ? UNIFORM_ATTEMPTS : POPULARITY_ATTEMPTS;
    for (int a = 0; a < attempts; a++) {
      h = mix(h + GOLDEN);
      int item = slotItems == null ? (int) ((h >>> 1) % numItems) : slotItems[(int) ((h >>> 1) % slotItems.length)];
      if (!positives.isKnown(user, item)) {
        return item;
      }
    }
    if (slotItems != null) {
      throw new IllegalStateException("training negatives: user_idx " + user + " got only its own positives in " + attempts
          + " draws by popularity; its free items have (almost) no popularity weight");
    }
    // a user with few free items: uniform over them directly (the same distribution)
    int free = numItems - positives.knownCount(user);
    return positives.freeItem(user, (int) ((mix(h + GOLDEN) >>> 1) % free));
  }

  @Override
  public Dataset<Row> rows() {
    throw new UnsupportedOperationException("examples made in the driver are not a Spark Dataset: DL4J's Spark masters need "
        + "models.ncf.epoch-examples = spark");
  }

  @Override
  public NcfBatches.ExampleBlock lossSample(int max) {
    if (order.length <= max) {
      return block(0, 1, order.length);
    }
    int stride = order.length / max;
    return block(0, stride, max);
  }

  @Override
  public void close() {
    // nothing held beyond the order, which goes with this object
  }
}
