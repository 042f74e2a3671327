package dev.ncfspark.data.negatives;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Checkpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.TestTables;
import dev.ncfspark.data.split.LeaveOneOutSplitter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NegativeSamplersTest {
  private static Dataset<Row> all;
  private static Dataset<Row> split;
  private static int numItems;

  @BeforeAll
  static void data() {
    all = TestTables.ml100kIndexed();
    split = new LeaveOneOutSplitter(true, 42).assign(all).cache();
    numItems = (int) all.select(Columns.ITEM_IDX).distinct().count();
  }

  @Test
  void evalNegativesAreDistinctNeverPositiveAndExactlyN() {
    EvalNegativeSampler sampler = new EvalNegativeSampler(99, 42);
    Dataset<Row> lists = EvalNegativeSampler.positiveLists(all);
    Dataset<Row> test = sampler.sample(split.where("split = 'test'"), lists, numItems, "test").cache();
    assertEquals(943, test.count());
    assertEquals(0, test.where("size(negative_items) <> 99 or size(array_distinct(negative_items)) <> 99").count());
    Dataset<Row> exploded = test.selectExpr("user_idx", "explode(negative_items) as item_idx");
    assertEquals(0, exploded.join(all, new String[] {"user_idx", "item_idx"}, "left_semi").count(), "no positive from any split");
    assertEquals(0, sampler.shortUsers(test));
    // uniform: over 93,357 draws, every item's count is close to the expectation (chi-square on frequent-enough bins)
    Row chi = exploded.groupBy("item_idx").count().selectExpr("count(*)", "max(count)", "stddev(count)").first();
    assertTrue(chi.getLong(0) > 1_600, "almost every item is drawn: " + chi);
    assertTrue(chi.getLong(1) < 110, "no item dominates (expected about 55 per item): " + chi);

    // validation lists are a different draw
    Dataset<Row> validation = sampler.sample(split.where("split = 'validation'"), lists, numItems, "validation");
    assertTrue(test.join(validation.withColumnRenamed("negative_items", "v"), "user_idx").where("negative_items <> v").count() > 900);
  }

  @Test
  void evalNegativesWhenFreeItemsAreFewerThanN() {
    // 999 > free items of the heaviest ml-100k users (737 ratings of 1,682 items is fine; ask for 1,500)
    EvalNegativeSampler sampler = new EvalNegativeSampler(1_500, 42);
    Dataset<Row> test = sampler.sample(split.where("split = 'test'"), EvalNegativeSampler.positiveLists(all), numItems, "test")
        .join(EvalNegativeSampler.positiveLists(all), "user_idx").cache();
    assertEquals(0, test.where("size(negative_items) <> least(1500, " + numItems + " - size(_pos))").count());
    assertTrue(sampler.shortUsers(test.drop("_pos")) > 0);
    assertEquals(0, test.where("size(array_intersect(negative_items, _pos)) > 0").count());
  }

  @Test
  void trainNegativesAreFreshPerEpochAndNeverPositive() {
    Dataset<Row> train = split.where("split = 'train'");
    long positives = train.count();
    TrainNegativeSampler sampler = new TrainNegativeSampler(4, 0.0, 42);
    Dataset<Row> e0 = sampler.sample(train, all, numItems, 0, Checkpoints.temporary(SparkTestSession.get())).cache();
    assertEquals(4 * positives, e0.count());
    assertEquals(0, e0.join(all, new String[] {"user_idx", "item_idx"}, "left_semi").count());
    Dataset<Row> perUser = train.groupBy("user_idx").count().withColumnRenamed("count", "p")
        .join(e0.groupBy("user_idx").count().withColumnRenamed("count", "n"), "user_idx");
    assertEquals(0, perUser.where("n <> 4 * p").count(), "4 negatives per positive of each user");
    Dataset<Row> e0again = sampler.sample(train.repartition(5), all.repartition(3), numItems, 0, Checkpoints.temporary(SparkTestSession.get()));
    assertEquals(0, e0.groupBy("user_idx", "item_idx").count().except(e0again.groupBy("user_idx", "item_idx").count()).count());
    Dataset<Row> e1 = sampler.sample(train, all, numItems, 1, Checkpoints.temporary(SparkTestSession.get()));
    assertTrue(e0.except(e1).count() > positives, "a fresh draw every epoch");
  }

  @Test
  void popularityWeightedNegativesFavourPopularItems() {
    Dataset<Row> train = split.where("split = 'train'");
    Dataset<Row> weighted = new TrainNegativeSampler(4, 1.0, 42).sample(train, all, numItems, 0, Checkpoints.temporary(SparkTestSession.get()));
    Dataset<Row> uniform = new TrainNegativeSampler(4, 0.0, 42).sample(train, all, numItems, 0, Checkpoints.temporary(SparkTestSession.get()));
    Dataset<Row> top = train.groupBy("item_idx").count().orderBy(org.apache.spark.sql.functions.desc("count")).limit(50);
    long weightedTop = weighted.join(top, "item_idx").count();
    long uniformTop = uniform.join(top, "item_idx").count();
    assertTrue(weightedTop > 5 * uniformTop, weightedTop + " vs " + uniformTop);
    assertEquals(0, weighted.join(all, new String[] {"user_idx", "item_idx"}, "left_semi").count());
    assertEquals(4 * train.count(), weighted.count());
  }
}
