package dev.ncfspark.data.filter;

import dev.ncfspark.data.Checkpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.CoreKConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.ingest.MovieLensSource;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CoreKFilterTest {
  private static Dataset<Row> latestSmall;

  @BeforeAll
  static void read() {
    latestSmall = MovieLensSource.read(SparkTestSession.get(), SparkTestSession.sharedData("ml-latest-small").toString(), "")
        .interactions().cache();
  }

  private static long[] sizes(Dataset<Row> d) {
    Row r = d.selectExpr("count(*)", "count(distinct user)", "count(distinct item)").first();
    return new long[] {r.getLong(0), r.getLong(1), r.getLong(2)};
  }

  @Test
  void k5OnLatestSmallMatchesThePandasReference() {
    CoreKFilter.Result r = new CoreKFilter(new CoreKConfig(5, 5, 100), Checkpoints.temporary(SparkTestSession.get())).apply(latestSmall);
    assertEquals(List.of(90_274L, 610L, 3_650L), List.of(sizes(r.kept())[0], sizes(r.kept())[1], sizes(r.kept())[2]));
    assertEquals(100_836L - 90_274L, r.removed().count(), "every removed row is kept aside");
    assertEquals(0, r.rounds().get(r.rounds().size() - 1).rowsRemoved(), "the last round is the fixpoint check");
    assertEquals(90_274L, r.keptRows());
  }

  @Test
  void k20OnLatestSmallMatchesThePandasReference() {
    CoreKFilter.Result r = new CoreKFilter(new CoreKConfig(20, 20, 100), Checkpoints.temporary(SparkTestSession.get())).apply(latestSmall);
    long[] s = sizes(r.kept());
    assertEquals(67_020L, s[0]);
    assertEquals(566L, s[1]);
    assertEquals(1_286L, s[2]);
    assertTrue(r.rounds().size() > 2, "k=20 needs several rounds: " + r.rounds());
    long removedByRounds = r.rounds().stream().mapToLong(CoreKFilter.Round::rowsRemoved).sum();
    assertEquals(100_836L - 67_020L, removedByRounds);
  }

  @Test
  void cascadingRemovalReachesTheFixpoint() {
    // users 1, 2, 4 rate items 10, 11, 12; user 3 rates 12, 13; user 5 rates 10, 13, 14.
    // round 1 removes user 3 (2 < 3 items) and item 14 (1 < 2 users); then user 5 has 2 items
    // and item 13 one user, so round 2 removes them; round 3 removes nothing.
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add(Columns.USER, DataTypes.LongType).add(Columns.ITEM, DataTypes.LongType)
        .add(Columns.RATING, DataTypes.DoubleType).add(Columns.TIMESTAMP, DataTypes.LongType);
    List<Row> rows = new java.util.ArrayList<>();
    for (long u : new long[] {1, 2, 4}) {
      for (long i : new long[] {10, 11, 12}) {
        rows.add(RowFactory.create(u, i, 1.0, 1L));
      }
    }
    rows.add(RowFactory.create(3L, 12L, 1.0, 1L));
    rows.add(RowFactory.create(3L, 13L, 1.0, 1L));
    rows.add(RowFactory.create(5L, 10L, 1.0, 1L));
    rows.add(RowFactory.create(5L, 13L, 1.0, 1L));
    rows.add(RowFactory.create(5L, 14L, 1.0, 1L));
    CoreKFilter.Result r = new CoreKFilter(new CoreKConfig(3, 2, 10), Checkpoints.temporary(SparkTestSession.get())).apply(spark.createDataFrame(rows, schema));
    assertEquals(9, r.kept().count());
    assertEquals(3, r.rounds().size());
    assertEquals(new CoreKFilter.Round(1, 14, 3, 1, 1), r.rounds().get(0));
    assertEquals(new CoreKFilter.Round(2, 11, 2, 1, 1), r.rounds().get(1));
    assertEquals(List.of(1, 1, 1, 2, 2), r.removed().orderBy(CoreKFilter.ROUND).select(CoreKFilter.ROUND).as(
        org.apache.spark.sql.Encoders.INT()).collectAsList());
  }

  @Test
  void kSoLargeThatNothingSurvivesIsAClearError() {
    CoreKFilter.EmptyResultException e = assertThrows(CoreKFilter.EmptyResultException.class,
        () -> new CoreKFilter(new CoreKConfig(5000, 5, 100), Checkpoints.temporary(SparkTestSession.get())).apply(latestSmall));
    assertTrue(e.getMessage().contains("user-k=5000") && e.getMessage().contains("100836"), e.getMessage());
  }

  @Test
  void anEmptyInputIsAClearErrorNotANullPointer() {
    CoreKFilter.EmptyResultException e = assertThrows(CoreKFilter.EmptyResultException.class,
        () -> new CoreKFilter(new CoreKConfig(5, 5, 100), Checkpoints.temporary(SparkTestSession.get())).apply(latestSmall.limit(0)));
    assertTrue(e.getMessage().contains("received no interactions"), e.getMessage());
  }
}
