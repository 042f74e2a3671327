package dev.ncfspark.data.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.config.ImplicitConfig;
import dev.ncfspark.data.Columns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The duplicate rule (latest row wins, then the highest rating) and the threshold, each row kept aside with its reason. */
class ImplicitFeedbackTest {

  private static Dataset<Row> ratings() {
    StructType schema = new StructType().add(Columns.USER, DataTypes.LongType).add(Columns.ITEM, DataTypes.LongType)
        .add(Columns.RATING, DataTypes.DoubleType).add(Columns.TIMESTAMP, DataTypes.LongType);
    return SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(1L, 10L, 2.0, 100L),   // duplicate: an older row of (1, 10)
        RowFactory.create(1L, 10L, 5.0, 200L),   // kept: the latest row of (1, 10)
        RowFactory.create(1L, 11L, 3.0, 300L),   // duplicate: same time as the next, lower rating
        RowFactory.create(1L, 11L, 4.5, 300L),   // kept: the highest rating among the latest rows
        RowFactory.create(2L, 10L, 1.0, 50L)),   // kept in all mode, below a threshold of 4
        schema).repartition(3);
  }

  private static List<String> rows(Dataset<Row> d) {
    return d.orderBy(Columns.USER, Columns.ITEM, Columns.TIMESTAMP, Columns.RATING).collectAsList().stream()
        .map(Row::toString).toList();
  }

  @Test
  void everyRatingIsAPositiveButEachPairOnlyOnce() {
    FilterOutcome out = new ImplicitFeedback(new ImplicitConfig(ImplicitConfig.Mode.ALL, 0.0)).apply(ratings(), Checkpoints.temporary(SparkTestSession.get()));
    assertEquals(List.of("[1,10,5.0,200]", "[1,11,4.5,300]", "[2,10,1.0,50]"), rows(out.kept()));
    assertEquals(List.of("[1,10,2.0,100,duplicate]", "[1,11,3.0,300,duplicate]"), rows(out.removed()));
  }

  @Test
  void aThresholdSetsLowRatingsAsideWithTheirReason() {
    FilterOutcome out = new ImplicitFeedback(new ImplicitConfig(ImplicitConfig.Mode.THRESHOLD, 4.0)).apply(ratings(), Checkpoints.temporary(SparkTestSession.get()));
    assertEquals(List.of("[1,10,5.0,200]", "[1,11,4.5,300]"), rows(out.kept()));
    assertEquals(List.of("[1,10,2.0,100,duplicate]", "[1,11,3.0,300,duplicate]", "[2,10,1.0,50,below-threshold]"),
        rows(out.removed()));
  }
}
