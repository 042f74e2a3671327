package dev.ncfspark.data.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.ingest.IngestResult;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** User one-hots on a small ML-1M-style table (ML-100K's are checked on the real files in FeaturesOnMl100kTest). */
class UserFeaturesTest {

  @Test
  void usersGetOneHotsOverTheirVocabulariesAndMl1mAgeCodesTheirGroups() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> index = spark.createDataFrame(List.of(RowFactory.create(1L, 0), RowFactory.create(2L, 1), RowFactory.create(3L, 2)),
        new StructType().add(Columns.USER, DataTypes.LongType).add(Columns.USER_IDX, DataTypes.IntegerType));
    // ML-1M style: age codes, occupation codes (ordered as numbers: 2 before 10)
    Dataset<Row> metadata = spark.createDataFrame(List.of(
        RowFactory.create(1L, "F", 1, "10"), RowFactory.create(2L, "M", 56, "2"), RowFactory.create(4L, "M", 25, "0")),
        new StructType().add(Columns.USER, DataTypes.LongType).add(IngestResult.GENDER, DataTypes.StringType)
            .add(IngestResult.AGE, DataTypes.IntegerType).add(IngestResult.OCCUPATION, DataTypes.StringType));
    UserFeatures.Vocabularies v = UserFeatures.vocabularies(metadata);
    assertEquals(List.of("F", "M"), v.gender().values());
    assertEquals(List.of("0", "2", "10"), v.occupation().values());
    assertEquals(2 + 7 + 3, v.size());
    List<Row> rows = UserFeatures.of(index, metadata, v).orderBy(Columns.USER_IDX).collectAsList();
    assertEquals(3, rows.size());
    Row first = rows.get(0);
    assertEquals(List.of(1f, 0f), first.getList(first.fieldIndex(UserFeatures.GENDER)));
    assertEquals(List.of(1f, 0f, 0f, 0f, 0f, 0f, 0f), first.getList(first.fieldIndex(UserFeatures.AGE_GROUP)), "code 1: under 18");
    assertEquals(List.of(0f, 0f, 1f), first.getList(first.fieldIndex(UserFeatures.OCCUPATION)));
    assertEquals(List.of(1f, 0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f), first.getList(first.fieldIndex(UserFeatures.DEMOGRAPHICS)));
    Row second = rows.get(1);
    assertEquals(List.of(0f, 0f, 0f, 0f, 0f, 0f, 1f), second.getList(second.fieldIndex(UserFeatures.AGE_GROUP)), "code 56: 56+");
    Row third = rows.get(2);
    assertEquals(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f), third.getList(third.fieldIndex(UserFeatures.DEMOGRAPHICS)),
        "a user without attributes: zeros");
    List<Row> table = UserFeatures.vocabularyTable(spark, v).orderBy(UserFeatures.DEMOGRAPHICS_POSITION).collectAsList();
    assertEquals(12, table.size());
    assertEquals(RowFactory.create(UserFeatures.AGE_GROUP, "25-34", 2, 4), table.get(4));
    assertEquals(RowFactory.create(UserFeatures.OCCUPATION, "10", 2, 11), table.get(11));
  }
}
