package dev.ncfspark.models.ncf;

import dev.ncfspark.data.negatives.TrainNegativeSampler;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An epoch's examples made in memory, as the NCF authors' code and the MLPerf
 * reference make them: each training positive with {@code perPositive} negatives, each drawn
 * uniformly (or from the popularity table of {@link TrainNegativeSampler}) and redrawn while it
 * is a positive of its user in any split, all in a seeded random order (Fisher-Yates). The same
 * distribution as the Spark SQL sampler and hash shuffle, at no Spark job per epoch: at ML-20M
 * size the Spark way takes minutes per epoch, this one seconds.
 *
 * <p>Example {@code s} of the unshuffled epoch is positive {@code s / (perPositive + 1)} when
 * {@code s % (perPositive + 1) == 0}, else one of its negatives, whose item is a hash of (seed,
 * epoch, s): an example's value does not depend on when or where it is generated. Users for
 * whom every item is a positive get no negatives (as in the Spark sampler). So the epoch can
 * also be made by data-parallel workers, each in its own executor from the broadcast {@link
 * Draws}: worker w's {@link #share} holds the examples of the users a seeded hash gives to w,
 * exactly those of the single-JVM epoch, in an order of its own.
 */
public final class InMemoryEpochExamples implements EpochExamples {
  /** Examples per block handed to the trainer. */
  static final int BLOCK = 65_536;
  /** Uniform draws rejected before the negative is taken directly from the user's free items. */
  static final int UNIFORM_ATTEMPTS = 64;
  /** Popularity draws rejected before giving up (the user's free items carry no weight). */
  static final int POPULARITY_ATTEMPTS = 1 << 16;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private final Draws draws;
  private final TrainingPositives positives;
  private final int[] slotItems;
  private final int perPositive;
  private final long epochSeed;
  private final long size;

  /**
   * What every epoch of one run draws from, the same in the driver and in every worker:
   * {@code slotItems}, the item of each popularity slot, or null for uniform negatives; {@code
   * seed} fixes the draws, the orders and the users' workers.
   */
  public record Draws(TrainingPositives positives, int[] slotItems, int perPositive, long seed) implements java.io.Serializable {}

  public InMemoryEpochExamples(TrainingPositives positives, int[] slotItems, int perPositive, long seed, int epoch) {
    this(new Draws(positives, slotItems, perPositive, seed), epoch);
  }

  public InMemoryEpochExamples(Draws draws, int epoch) {
    this.draws = draws;
    this.positives = draws.positives();
    this.slotItems = draws.slotItems();
    this.perPositive = draws.perPositive();
    this.epochSeed = mix(mix(draws.seed()) ^ mix(GOLDEN * (epoch + 1L)));
    long count = 0;
    for (int p = 0; p < positives.size(); p++) {
      count += examplesOf(p);
    }
    this.size = count;
  }

  /** What this epoch draws from (the run's, shared by its epochs). */
  public Draws draws() {
    return draws;
  }

  /**
   * Every epoch of one run: the positives are collected to this JVM once, at the first epoch.
   * {@code train}: training (user_idx, item_idx); {@code known}: every positive pair, all splits.
   */
  public static Source source(Dataset<Row> train, Dataset<Row> known, int numUsers, int numItems, int perPositive,
      double popularityAlpha, long seed) {
    return new Source() {
      private Draws draws;

      @Override
      public EpochExamples epoch(int epoch) {
        if (draws == null) {
          TrainingPositives positives = TrainingPositives.collect(train, known, numUsers, numItems);
          int[] slots = popularityAlpha > 0 ? slotItems(new TrainNegativeSampler(perPositive, popularityAlpha, seed).popularityTable(train))
              : null;
          draws = new Draws(positives, slots, perPositive, seed);
        }
        return new InMemoryEpochExamples(draws, epoch);
      }

      @Override
      public void close() {
        draws = null;
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

  /** The worker (of {@code workers}) that trains {@code user}'s examples: a seeded hash, the same in every JVM. */
  static int workerOf(long seed, int user, int workers) {
    return (int) Math.floorMod(mix(mix(seed ^ 0x5DEECE66DL) ^ (GOLDEN * (user + 1L))), (long) workers);
  }

  /** Examples of each worker's share: what {@link #share} returns, counted without making it. */
  public long[] shareSizes(int workers) {
    long[] sizes = new long[workers];
    for (int p = 0; p < positives.size(); p++) {
      sizes[workerOf(draws.seed(), positives.user(p), workers)] += examplesOf(p);
    }
    return sizes;
  }

  /**
   * Worker {@code worker}'s share of the epoch (of {@code workers}): every example of its users,
   * in a seeded random order of the worker's own; one block.
   */
  public NcfBatches.ExampleBlock share(int worker, int workers) {
    int[] own = slots(p -> workerOf(draws.seed(), positives.user(p), workers) == worker);
    shuffle(own, mix(epochSeed ^ (GOLDEN * (worker + 1L))));
    return block(own, 0, 1, own.length);
  }

  /** The epoch's examples (unshuffled numbering) in a seeded random order. */
  private int[] order() {
    int[] out = slots(p -> true);
    shuffle(out, epochSeed);
    return out;
  }

  /** The unshuffled numbers of the examples of the positives {@code p} that {@code take} accepts, in order. */
  private int[] slots(java.util.function.IntPredicate take) {
    long slots = (long) positives.size() * (perPositive + 1);
    if (slots > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("an epoch of " + slots + " examples is too large to number in one JVM: "
          + "use models.ncf.epoch-examples = spark");
    }
    long count = 0;
    for (int p = 0; p < positives.size(); p++) {
      count += take.test(p) ? examplesOf(p) : 0;
    }
    int[] out = new int[Math.toIntExact(count)];
    int n = 0;
    for (int p = 0; p < positives.size(); p++) {
      if (take.test(p)) {
        int first = p * (perPositive + 1);
        for (int s = first; s < first + examplesOf(p); s++) {
          out[n++] = s;
        }
      }
    }
    return out;
  }

  /** Fisher-Yates with a seeded generator. */
  private static void shuffle(int[] a, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Examples of positive {@code p}: itself and its negatives (none when its user has no free item). */
  private int examplesOf(int p) {
    return perPositive > 0 && positives.knownCount(positives.user(p)) < positives.numItems() ? perPositive + 1 : 1;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Iterator<NcfBatches.ExampleBlock> blocks() {
    return new Iterator<>() {
      private int at;

      // the epoch's order, made when it is read (workers never make it: they shuffle their shares)
      private final int[] order = order();

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
        NcfBatches.ExampleBlock b = block(order, at, 1, n);
        at += n;
        return b;
      }
    };
  }

  /** Examples {@code order[from]}, {@code order[from + stride]}, ..., {@code n} of them. */
  private NcfBatches.ExampleBlock block(int[] order, int from, int stride, int n) {
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

  /**
   * Every example of every {@code stride}-th positive (all of them when the epoch has no more
   * than {@code max}): the positives with their own negatives, whoever trains them.
   */
  @Override
  public NcfBatches.ExampleBlock lossSample(int max) {
    int stride = size <= max ? 1 : (int) Math.max(1, (long) positives.size() * (perPositive + 1) / max);
    int[] sample = slots(p -> p % stride == 0);
    return block(sample, 0, 1, sample.length);
  }

  @Override
  public void close() {
    // nothing held beyond what goes with this object
  }
}
