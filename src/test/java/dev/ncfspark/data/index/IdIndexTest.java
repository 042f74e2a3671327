package dev.ncfspark.data.index;

import dev.ncfspark.data.Checkpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class IdIndexTest {
  @Test
  void denseIdsFollowTheNumericOrderOfOriginalIds() {
    StructType schema = new StructType().add(Columns.USER, DataTypes.LongType).add(Columns.ITEM, DataTypes.StringType);
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        RowFactory.create(100L, "b"), RowFactory.create(9L, "a"), RowFactory.create(20L, "b"), RowFactory.create(9L, "c")), schema)
        .repartition(3);
    IdIndex index = IdIndex.fit(rows, Checkpoints.temporary(SparkTestSession.get()));
    assertEquals(List.of(9L, 20L, 100L), index.users().orderBy(Columns.USER_IDX).select(Columns.USER).as(Encoders.LONG()).collectAsList());
    assertEquals(List.of(0, 1, 2), index.users().orderBy(Columns.USER_IDX).select(Columns.USER_IDX).as(Encoders.INT()).collectAsList());
    assertEquals(List.of("a", "b", "c"), index.items().orderBy(Columns.ITEM_IDX).select(Columns.ITEM).as(Encoders.STRING()).collectAsList());
    Dataset<Row> attached = index.attach(rows);
    assertEquals(4, attached.count());
    assertEquals(2, attached.where("user = 100").first().<Integer>getAs(Columns.USER_IDX));
  }
}
