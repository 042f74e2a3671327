package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Examples made in the training JVM: every training positive once, exactly {@code perPositive}
 * negatives per positive that are never a positive of their user, uniform (or popularity-weighted)
 * over the free items, in an order and with draws fixed by (seed, epoch) and by nothing else.
 */
class InMemoryEpochExamplesTest {
  private static final int USERS = 40;
  private static final int ITEMS = 60;

  /** Random training pairs, and known pairs = training pairs + some held-out ones. */
  private static long[][] pairs(long seed) {
    Random r = new Random(seed);
    Set<Long> train = new HashSet<>();
    Set<Long> known = new HashSet<>();
    for (int u = 0; u < USERS; u++) {
      int n = 1 + r.nextInt(20);
      for (int k = 0; k < n; k++) {
        long p = TrainingPositives.pair(u, r.nextInt(ITEMS));
        train.add(p);
        known.add(p);
      }
      known.add(TrainingPositives.pair(u, r.nextInt(ITEMS))); // a validation / test positive
    }
    return new long[][] {train.stream().mapToLong(Long::longValue).toArray(), known.stream().mapToLong(Long::longValue).toArray()};
  }

  private static NcfBatches.ExampleBlock all(EpochExamples e) {
    return NcfBatches.concat(e.blocks());
  }

  @Test
  void everyPositiveOnceWithItsNegativesNeverAPositive() {
    long[][] p = pairs(3);
    TrainingPositives positives = TrainingPositives.of(p[0].clone(), p[1].clone(), USERS, ITEMS);
    Set<Long> known = new HashSet<>();
    Arrays.stream(p[1]).forEach(known::add);
    NcfBatches.ExampleBlock b = all(new InMemoryEpochExamples(positives, null, 4, 7, 0));
    assertEquals(p[0].length * 5, b.size());
    List<Long> seenPositives = new ArrayList<>();
    Map<Integer, Integer> negativesPerUser = new HashMap<>();
    Map<Integer, Integer> positivesPerUser = new HashMap<>();
    for (int i = 0; i < b.size(); i++) {
      long pair = TrainingPositives.pair(b.users()[i], b.items()[i]);
      if (b.labels()[i] == 1f) {
        seenPositives.add(pair);
        positivesPerUser.merge(b.users()[i], 1, Integer::sum);
      } else {
        assertEquals(0f, b.labels()[i]);
        assertFalse(known.contains(pair), "a negative is a positive of its user: " + b.users()[i] + "," + b.items()[i]);
        negativesPerUser.merge(b.users()[i], 1, Integer::sum);
      }
    }
    long[] expected = p[0].clone();
    Arrays.sort(expected);
    assertArrayEquals(expected, seenPositives.stream().mapToLong(Long::longValue).sorted().toArray());
    positivesPerUser.forEach((u, n) -> assertEquals(4 * n, negativesPerUser.get(u), "negatives of user " + u));
  }

  @Test
  void theSeedAndEpochFixTheExamplesAndEachEpochIsFresh() {
    long[][] p = pairs(5);
    TrainingPositives positives = TrainingPositives.of(p[0].clone(), p[1].clone(), USERS, ITEMS);
    // the same pairs in another order give the same positives
    List<Long> shuffled = new ArrayList<>(Arrays.stream(p[0]).boxed().toList());
    java.util.Collections.shuffle(shuffled, new Random(1));
    TrainingPositives again = TrainingPositives.of(shuffled.stream().mapToLong(Long::longValue).toArray(), p[1].clone(), USERS, ITEMS);
    NcfBatches.ExampleBlock a = all(new InMemoryEpochExamples(positives, null, 4, 11, 2));
    NcfBatches.ExampleBlock b = all(new InMemoryEpochExamples(again, null, 4, 11, 2));
    assertArrayEquals(a.users(), b.users());
    assertArrayEquals(a.items(), b.items());
    assertArrayEquals(a.labels(), b.labels());
    NcfBatches.ExampleBlock next = all(new InMemoryEpochExamples(positives, null, 4, 11, 3));
    NcfBatches.ExampleBlock otherSeed = all(new InMemoryEpochExamples(positives, null, 4, 12, 2));
    assertFalse(Arrays.equals(a.items(), next.items()), "epoch 3 draws afresh");
    assertFalse(Arrays.equals(a.items(), otherSeed.items()), "another seed draws differently");
    assertNotEquals(sortedNegatives(a), sortedNegatives(next), "not only a new order: new negatives");
  }

  private static List<Long> sortedNegatives(NcfBatches.ExampleBlock b) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < b.size(); i++) {
      if (b.labels()[i] == 0f) {
        out.add(TrainingPositives.pair(b.users()[i], b.items()[i]));
      }
    }
    out.sort(null);
    return out;
  }

  /** One user, 10 items, items 0 and 1 known: 2000 copies of (0, 0) with 4 negatives each are uniform over items 2..9. */
  @Test
  void uniformNegativesAreUniformOverTheFreeItems() {
    long[] train = new long[2000];
    Arrays.fill(train, TrainingPositives.pair(0, 0));
    TrainingPositives positives = TrainingPositives.of(train, new long[] {TrainingPositives.pair(0, 0), TrainingPositives.pair(0, 1)}, 1, 10);
    int[] counts = new int[10];
    NcfBatches.ExampleBlock b = all(new InMemoryEpochExamples(positives, null, 4, 42, 0));
    for (int i = 0; i < b.size(); i++) {
      if (b.labels()[i] == 0f) {
        counts[b.items()[i]]++;
      }
    }
    assertEquals(0, counts[0] + counts[1]);
    double chi2 = 0;
    for (int item = 2; item < 10; item++) {
      chi2 += Math.pow(counts[item] - 1000.0, 2) / 1000.0;
    }
    // 7 degrees of freedom: P(chi2 > 24.3) = 0.001
    assertTrue(chi2 < 24.3, "chi-square " + chi2 + " of " + Arrays.toString(counts));
  }

  /** A user with one free item in 300 (rejection gives up, the direct draw takes over) gets only that item; a user with none gets no negatives. */
  @Test
  void nearlyFullUsersGetTheirFreeItemAndFullUsersNone() {
    int items = 300;
    List<Long> known = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      if (i != 123) {
        known.add(TrainingPositives.pair(0, i));
      }
      known.add(TrainingPositives.pair(1, i));
    }
    long[] train = new long[200];
    for (int i = 0; i < 100; i++) {
      train[i] = TrainingPositives.pair(0, i);
      train[100 + i] = TrainingPositives.pair(1, i);
    }
    TrainingPositives positives = TrainingPositives.of(train, known.stream().mapToLong(Long::longValue).toArray(), 2, items);
    EpochExamples e = new InMemoryEpochExamples(positives, null, 4, 1, 0);
    assertEquals(100 * 5 + 100, e.size());
    NcfBatches.ExampleBlock b = all(e);
    for (int i = 0; i < b.size(); i++) {
      if (b.labels()[i] == 0f) {
        assertEquals(0, b.users()[i], "user 1 knows every item");
        assertEquals(123, b.items()[i]);
      }
    }
  }

  /** Popularity slots: item 2 owns three quarters of the table, item 3 a quarter. */
  @Test
  void popularityNegativesFollowTheTable() {
    int[] slots = new int[1 << 12];
    Arrays.fill(slots, 0, 3 << 10, 2);
    Arrays.fill(slots, 3 << 10, 1 << 12, 3);
    long[] train = new long[1000];
    Arrays.fill(train, TrainingPositives.pair(0, 0));
    TrainingPositives positives = TrainingPositives.of(train, new long[] {TrainingPositives.pair(0, 0)}, 1, 5);
    NcfBatches.ExampleBlock b = all(new InMemoryEpochExamples(positives, slots, 4, 9, 0));
    int[] counts = new int[5];
    for (int i = 0; i < b.size(); i++) {
      if (b.labels()[i] == 0f) {
        counts[b.items()[i]]++;
      }
    }
    assertEquals(4000, counts[2] + counts[3], Arrays.toString(counts));
    // 3000 expected, binomial standard deviation about 27
    assertTrue(Math.abs(counts[2] - 3000) < 150, Arrays.toString(counts));
  }

  @Test
  void theLossSampleIsEveryExampleOfASpreadSubsetOfThePositives() {
    long[][] p = pairs(8);
    TrainingPositives positives = TrainingPositives.of(p[0].clone(), p[1].clone(), USERS, ITEMS);
    InMemoryEpochExamples e = new InMemoryEpochExamples(positives, null, 4, 3, 1);
    NcfBatches.ExampleBlock sample = e.lossSample(100);
    int stride = positives.size() * 5 / 100;
    assertEquals(5 * ((positives.size() + stride - 1) / stride), sample.size());
    // each sampled positive with its 4 negatives, as the epoch has them
    NcfBatches.ExampleBlock whole = all(e);
    Set<String> epoch = new HashSet<>();
    for (int i = 0; i < whole.size(); i++) {
      epoch.add(whole.users()[i] + ":" + whole.items()[i] + ":" + whole.labels()[i]);
    }
    for (int i = 0; i < sample.size(); i++) {
      assertEquals(i % 5 == 0 ? 1f : 0f, sample.labels()[i]);
      assertEquals(sample.users()[i - i % 5], sample.users()[i]);
      assertTrue(epoch.contains(sample.users()[i] + ":" + sample.items()[i] + ":" + sample.labels()[i]));
    }
    assertEquals(positives.user(stride), sample.users()[5]);
    assertEquals(positives.item(stride), sample.items()[5]);
    assertEquals(e.size(), e.lossSample(1_000_000).size());
  }

  /** Collected from Spark on 1 or 5 partitions, the positives (and so the epoch) are the same. */
  @Test
  void collectedPositivesDoNotDependOnThePartitioning() {
    SparkSession spark = SparkTestSession.get();
    long[][] p = pairs(13);
    StructType schema = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType);
    List<Row> train = Arrays.stream(p[0]).mapToObj(x -> RowFactory.create((int) (x >>> 32), (int) x)).toList();
    List<Row> known = Arrays.stream(p[1]).mapToObj(x -> RowFactory.create((int) (x >>> 32), (int) x)).toList();
    Dataset<Row> t = spark.createDataFrame(train, schema);
    Dataset<Row> k = spark.createDataFrame(known, schema);
    NcfBatches.ExampleBlock one = all(new InMemoryEpochExamples(
        TrainingPositives.collect(t.coalesce(1), k.coalesce(1), USERS, ITEMS), null, 4, 5, 0));
    NcfBatches.ExampleBlock five = all(new InMemoryEpochExamples(
        TrainingPositives.collect(t.repartition(5), k.repartition(5), USERS, ITEMS), null, 4, 5, 0));
    assertArrayEquals(one.users(), five.users());
    assertArrayEquals(one.items(), five.items());
    assertArrayEquals(one.labels(), five.labels());
  }
}
