package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.config.SplitConfig.ColdStart;
import dev.ncfspark.config.SplitConfig.TemporalCut;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.TestTables;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SplittersTest {

  private static Map<String, Long> counts(Dataset<Row> assigned) {
    return assigned.groupBy(Columns.SPLIT).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
  }

  @Test
  void leaveOneOutHoldsOutTheLatestPerUser() {
    Dataset<Row> data = TestTables.latestSmallIndexed();
    Dataset<Row> assigned = new LeaveOneOutSplitter(true, 42).assign(data).cache();
    Map<String, Long> c = counts(assigned);
    assertEquals(610L, c.get(Columns.TEST));
    assertEquals(610L, c.get(Columns.VALIDATION));
    assertEquals(100_836L - 1_220L, c.get(Columns.TRAIN));
    // the test row is at the user's latest timestamp, the validation row is not later than any train row
    long bad = assigned.selectExpr("user_idx", "split", "timestamp",
            "max(timestamp) over (partition by user_idx) as latest",
            "max(case when split = 'train' then timestamp end) over (partition by user_idx) as latest_train")
        .where("(split = 'test' and timestamp <> latest) or (split = 'validation' and timestamp < latest_train)").count();
    assertEquals(0, bad);
    // ties at the latest timestamp (94 users in ml-latest-small) are broken, and the same way every time
    long usersWithTies = data.selectExpr("user_idx", "timestamp", "max(timestamp) over (partition by user_idx) as latest")
        .where("timestamp = latest").groupBy("user_idx").count().where("count > 1").count();
    assertEquals(94, usersWithTies);
    Dataset<Row> again = new LeaveOneOutSplitter(true, 42).assign(data.repartition(7));
    assertEquals(0, assigned.select("user_idx", "item_idx", "split").except(again.select("user_idx", "item_idx", "split")).count());
    Dataset<Row> otherSeed = new LeaveOneOutSplitter(true, 43).assign(data);
    assertTrue(assigned.where("split = 'test'").select("user_idx", "item_idx")
        .except(otherSeed.where("split = 'test'").select("user_idx", "item_idx")).count() > 0, "the seed decides ties only");
  }

  @Test
  void leaveOneOutTiesOnMl100k() {
    Dataset<Row> data = TestTables.ml100kIndexed();
    long usersWithTies = data.selectExpr("user_idx", "timestamp", "max(timestamp) over (partition by user_idx) as latest")
        .where("timestamp = latest").groupBy("user_idx").count().where("count > 1").count();
    assertEquals(415, usersWithTies);
    assertEquals(943, new LeaveOneOutSplitter(false, 1).assign(data).where(col(Columns.SPLIT).equalTo(Columns.TEST)).count());
  }

  @Test
  void userRandomRatiosWithColdStartRepair() {
    Dataset<Row> data = TestTables.latestSmallIndexed();
    Dataset<Row> assigned = new UserRandomSplitter(0.8, 0.1, 7).assign(data).cache();
    Map<String, Long> c = counts(assigned);
    assertEquals(100_836L, c.values().stream().mapToLong(Long::longValue).sum());
    assertEquals(0.8, c.get(Columns.TRAIN) / 100_836.0, 0.01);
    assertEquals(0.1, c.get(Columns.TEST) / 100_836.0, 0.01);
    // every user has train rows
    assertEquals(610, assigned.where("split = 'train'").select("user_idx").distinct().count());

    ColdStartRepair.Repaired moved = ColdStartRepair.apply(assigned, ColdStart.MOVE);
    Dataset<Row> rows = moved.rows().cache();
    long movedCount = rows.where(col(ColdStartRepair.REPAIR).isNotNull()).count();
    assertTrue(movedCount > 0, "ml-latest-small has thousands of 1-rating items: some land outside train");
    Dataset<Row> trainItems = rows.where("split = 'train'").select("item_idx").distinct();
    assertEquals(0, rows.where("split <> 'train'").select("item_idx").distinct().except(trainItems).count());
    assertEquals(100_836L, rows.count());

    ColdStartRepair.Repaired dropped = ColdStartRepair.apply(assigned, ColdStart.DROP);
    assertEquals(movedCount, dropped.rejected().count());
    assertEquals(100_836L - movedCount, dropped.rows().count());
    assertTrue(dropped.rejected().where("reason = 'cold-start-item'").count() > 0);
  }

  @Test
  void globalRandomAndTemporal() {
    Dataset<Row> data = TestTables.ml100kIndexed();
    Map<String, Long> random = counts(new GlobalRandomSplitter(0.7, 0.1, 3).assign(data));
    assertEquals(0.7, random.get(Columns.TRAIN) / 100_000.0, 0.01);
    assertEquals(0.2, random.get(Columns.TEST) / 100_000.0, 0.01);

    TemporalSplitter temporal = new TemporalSplitter(new TemporalCut(true, 0.9, 0.8, 0, 0));
    Dataset<Row> t = temporal.assign(data).cache();
    List<Long> cuts = temporal.cuts();
    long maxTrain = t.where("split = 'train'").agg(org.apache.spark.sql.functions.max("timestamp")).first().getLong(0);
    long minTest = t.where("split = 'test'").agg(org.apache.spark.sql.functions.min("timestamp")).first().getLong(0);
    assertTrue(maxTrain < cuts.get(0) && minTest == cuts.get(1), cuts + " " + maxTrain + " " + minTest);
    // exact quantile: the test cut is the timestamp at rank floor(0.9 * 99,999) of the sorted timestamps
    long expected = data.select("timestamp").orderBy("timestamp").collectAsList().get((int) Math.floor(0.9 * 99_999)).getLong(0);
    assertEquals(expected, cuts.get(1));
    assertEquals(0.1, counts(t).get(Columns.TEST) / 100_000.0, 0.005);

    // cut at fixed timestamps: [validation, test) is validation, >= test is test, the rest train
    long validationAt = 890_000_000L;
    long testAt = 892_000_000L;
    TemporalSplitter byTime = new TemporalSplitter(new TemporalCut(false, 0, 0, testAt, validationAt));
    Map<String, Long> timed = counts(byTime.assign(data));
    assertEquals(List.of(validationAt, testAt), byTime.cuts());
    assertEquals(data.where("timestamp >= " + testAt).count(), timed.get(Columns.TEST));
    assertEquals(data.where("timestamp >= " + validationAt + " and timestamp < " + testAt).count(), timed.get(Columns.VALIDATION));
    assertEquals(data.where("timestamp < " + validationAt).count(), timed.get(Columns.TRAIN));
    assertTrue(timed.get(Columns.TEST) > 0 && timed.get(Columns.VALIDATION) > 0 && timed.get(Columns.TRAIN) > 0, timed.toString());
  }
}
