package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The distributed engine's guarantees on a small problem: the same seed, examples and number of
 * workers give the same model whatever the examples' partitioning, and a worker whose resident
 * model is lost mid-epoch (its executor gone) is rebuilt by replay to exactly the same model,
 * with Spark's examples shuffled to the workers and with examples the workers draw themselves.
 */
class DistributedEngineTest {
  static final int USERS = 60;
  static final int ITEMS = 40;

  @Test
  void aLostWorkerIsReplayedToTheSameModel() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> examples = examples(spark).repartition(3);
    float[] plain = train(epoch -> SparkEpochExamples.of(examples, 11), r -> {}, null);
    float[] otherPartitions = train(epoch -> SparkEpochExamples.of(examples.repartition(7), 11), r -> {}, null);
    assertArrayEquals(plain, otherPartitions, "the same model from other input partitions");
    assertLostWorkersReplayed(epoch -> SparkEpochExamples.of(examples, 11), plain);
  }

  @Test
  void aLostWorkerDrawingItsOwnExamplesIsReplayedToTheSameModel() {
    InMemoryEpochExamples.Draws draws = new InMemoryEpochExamples(positives(), null, 4, 11, 0).draws();
    float[] plain = train(epoch -> new InMemoryEpochExamples(draws, epoch), r -> {}, null);
    float[] again = train(epoch -> new InMemoryEpochExamples(draws, epoch), r -> {}, null);
    assertArrayEquals(plain, again, "the same model from the same seed and workers");
    assertLostWorkersReplayed(epoch -> new InMemoryEpochExamples(draws, epoch), plain);
  }

  @Test
  void drawnSharesAreTheSingleJvmEpochSplitByUser() {
    TrainingPositives positives = positives();
    InMemoryEpochExamples epoch = new InMemoryEpochExamples(positives, null, 4, 5, 1);
    NcfBatches.ExampleBlock all = NcfBatches.concat(epoch.blocks());
    long[] sizes = epoch.shareSizes(3);
    List<String> union = new ArrayList<>();
    boolean[][] seen = new boolean[3][USERS];
    for (int w = 0; w < 3; w++) {
      NcfBatches.ExampleBlock share = epoch.share(w, 3);
      assertEquals(sizes[w], share.size());
      NcfBatches.ExampleBlock again = new InMemoryEpochExamples(positives, null, 4, 5, 1).share(w, 3);
      assertArrayEquals(share.items(), again.items(), "a share is a function of (seed, epoch, worker)");
      for (int i = 0; i < share.size(); i++) {
        union.add(share.users()[i] + ":" + share.items()[i] + ":" + share.labels()[i]);
        seen[w][share.users()[i]] = true;
      }
    }
    List<String> single = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      single.add(all.users()[i] + ":" + all.items()[i] + ":" + all.labels()[i]);
    }
    assertEquals(all.size(), epoch.size());
    assertEquals(single.stream().sorted().toList(), union.stream().sorted().toList(), "the workers' examples are the single JVM's");
    for (int u = 0; u < USERS; u++) {
      assertTrue((seen[0][u] ? 1 : 0) + (seen[1][u] ? 1 : 0) + (seen[2][u] ? 1 : 0) <= 1, "user " + u + " has one worker");
    }
    assertTrue(sizes[0] > 0 && sizes[1] > 0 && sizes[2] > 0, Arrays.toString(sizes));
  }

  @Test
  void autoTrainsInTheDriverWithALocalMaster() {
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of()).models().ncf();
    assertEquals(NcfConfig.TrainingMaster.AUTO, cfg.spark().trainingMaster());
    assertEquals(NcfConfig.TrainingMaster.LOCAL, TrainingMasters.resolve(cfg, SparkTestSession.get().sparkContext()).spark().trainingMaster());
    NcfConfig distributed = cfg.withTrainingMaster(NcfConfig.TrainingMaster.DISTRIBUTED);
    assertEquals(distributed, TrainingMasters.resolve(distributed, SparkTestSession.get().sparkContext()));
  }

  /** Workers' resident models dropped at rounds 2 (both) and 4 (one) of each epoch: replayed to {@code plain}. */
  private static void assertLostWorkersReplayed(java.util.function.IntFunction<EpochExamples> examples, float[] plain) {
    long before = ResidentWorkers.restores();
    DistributedEngine[] engine = new DistributedEngine[1];
    float[] lost = train(examples, r -> {
      if (r == 2) {
        ResidentWorkers.forget(engine[0].training(), 0);
        ResidentWorkers.forget(engine[0].training(), 1);
      } else if (r == 4) {
        ResidentWorkers.forget(engine[0].training(), 1);
      }
    }, engine);
    assertArrayEquals(plain, lost, "the same model after lost workers");
    // 2 workers x 2 epochs, and 3 rebuilt in each epoch
    assertEquals(2 * 2 + 2 * 3, ResidentWorkers.restores() - before);
    assertTrue(engine[0].lastEpoch().rounds() > 4, "rounds: " + engine[0].lastEpoch());
  }

  @Test
  void sharesHoldEachUserOnceInAnOrderOfTheExamplesAlone() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> examples = examples(spark);
    List<NcfBatches.ExampleBlock> a = WorkerShares.of(examples.repartition(2), 3, 5, 0).collect();
    List<NcfBatches.ExampleBlock> b = WorkerShares.of(examples.repartition(9), 3, 5, 0).collect();
    assertEquals(3, a.size());
    long total = 0;
    boolean[][] seen = new boolean[3][USERS];
    for (int w = 0; w < 3; w++) {
      assertArrayEquals(a.get(w).users(), b.get(w).users());
      assertArrayEquals(a.get(w).items(), b.get(w).items());
      assertArrayEquals(a.get(w).labels(), b.get(w).labels());
      for (int u : a.get(w).users()) {
        seen[w][u] = true;
      }
      total += a.get(w).size();
    }
    assertEquals(examples.count(), total);
    for (int u = 0; u < USERS; u++) {
      int owners = 0;
      for (int w = 0; w < 3; w++) {
        owners += seen[w][u] ? 1 : 0;
      }
      assertTrue(owners <= 1, "user " + u + " in " + owners + " shares");
    }
  }

  @Test
  void equalOrderKeysAreOrderedByTheExampleNotItsPosition() {
    // keys equal in their high bits (and some entirely): the order must still be the examples' own
    long[] order = {5, 5, 1L << 40, 5, (1L << 40) + 1, 5};
    int[] users = {3, 1, 2, 1, 0, 2};
    int[] items = {0, 9, 4, 8, 1, 7};
    float[] labels = {1, 0, 0, 1, 1, 0};
    int[] perm = WorkerShares.permutation(order, users, items, labels, 6);
    List<String> sorted = new ArrayList<>();
    for (int i : perm) {
      sorted.add(order[i] + ":" + users[i] + ":" + items[i]);
    }
    assertEquals(List.of("5:1:8", "5:1:9", "5:2:7", "5:3:0", (1L << 40) + ":2:4", ((1L << 40) + 1) + ":0:1"), sorted);
    int[] reversed = WorkerShares.permutation(reverse(order), reverse(users), reverse(items), reverse(labels), 6);
    assertFalse(Arrays.equals(perm, reversed));
    for (int k = 0; k < 6; k++) {
      assertEquals(users[perm[k]], users[5 - reversed[k]]);
      assertEquals(items[perm[k]], items[5 - reversed[k]]);
    }
  }

  /** Two epochs of NeuMF on 2 workers merging every 3 minibatches; the predictions of every pair. */
  private static float[] train(java.util.function.IntFunction<EpochExamples> examples, LongConsumer beforeRound,
      DistributedEngine[] engineOut) {
    SparkSession spark = SparkTestSession.get();
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=8", "models.ncf.batch-size=64",
        "models.ncf.spark.training-master=distributed", "models.ncf.spark.workers=2", "models.ncf.spark.merge-every-batches=3",
        "models.ncf.learning-rate=0.01")).models().ncf();
    DistributedEngine engine = (DistributedEngine) NcfEngines.create(spark, cfg, 11, "target/test-distributed-export",
        NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, USERS, ITEMS, 11));
    if (engineOut != null) {
      engineOut[0] = engine;
    }
    engine.beforeEachRound(beforeRound);
    TrainingProgress progress = new TrainingProgress("distributed-test", 0, 1);
    for (int epoch = 0; epoch < 2; epoch++) {
      try (EpochExamples epochExamples = examples.apply(epoch)) {
        engine.fitEpoch(epochExamples, progress);
      }
    }
    int[] users = new int[USERS * ITEMS];
    int[] items = new int[USERS * ITEMS];
    for (int u = 0; u < USERS; u++) {
      for (int i = 0; i < ITEMS; i++) {
        users[u * ITEMS + i] = u;
        items[u * ITEMS + i] = i;
      }
    }
    return engine.predict(users, items, users.length);
  }

  /** Each user's positives: the items of its residue class, some of them (and one held out). */
  private static TrainingPositives positives() {
    SplittableRandom random = new SplittableRandom(4);
    List<Long> train = new ArrayList<>();
    List<Long> known = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      for (int i = 0; i < ITEMS; i++) {
        if ((u + i) % 4 == 0 && random.nextInt(3) > 0) {
          (random.nextInt(8) == 0 ? known : train).add(TrainingPositives.pair(u, i));
        }
      }
    }
    known.addAll(train);
    return TrainingPositives.of(train.stream().mapToLong(Long::longValue).toArray(), known.stream().mapToLong(Long::longValue).toArray(),
        USERS, ITEMS);
  }

  private static Dataset<Row> examples(SparkSession spark) {
    SplittableRandom random = new SplittableRandom(3);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 2000; k++) {
      int u = random.nextInt(USERS);
      // each user likes the items of its residue class
      int i = random.nextInt(ITEMS);
      rows.add(RowFactory.create(u, i, (u + i) % 4 == 0 ? 1f : 0f));
    }
    StructType schema = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType)
        .add("label", DataTypes.FloatType);
    return spark.createDataFrame(rows, schema);
  }

  private static long[] reverse(long[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }

  private static int[] reverse(int[] a) {
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }

  private static float[] reverse(float[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }
}
