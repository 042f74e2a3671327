package dev.ncfspark.data.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checked casts accept exactly integers and decimal numbers, with the same results whatever
 * the ANSI mode (a cast alone would truncate "1.5" to 1 with ANSI off and fail the task with it
 * on); the separators split literally, metacharacters included.
 */
class TypedParseTest {
  private static final List<String> TEXTS = List.of("12", "-3", "+4", "1.5", "abc", "", "99999999999999999999", "1e3", ".5", "NaN",
      "7x", "0009");

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void castsOnlyWhatIsANumberWhateverTheAnsiMode(boolean ansi) {
    SparkSession spark = SparkTestSession.get();
    String before = spark.conf().get("spark.sql.ansi.enabled");
    spark.conf().set("spark.sql.ansi.enabled", ansi);
    try {
      List<Row> rows = spark.createDataset(TEXTS, Encoders.STRING()).toDF("t")
          .selectExpr("t", TypedParse.checkedCast("t", "bigint") + " as l", TypedParse.checkedCast("t", "double") + " as d").collectAsList();
      List<Object> longs = new ArrayList<>();
      List<Object> doubles = new ArrayList<>();
      for (Row r : rows) {
        longs.add(r.isNullAt(1) ? null : r.getLong(1));
        doubles.add(r.isNullAt(2) ? null : r.getDouble(2));
      }
      assertEquals(Arrays.asList(12L, -3L, 4L, null, null, null, null, null, null, null, null, 9L), longs);
      assertEquals(Arrays.asList(12.0, -3.0, 4.0, 1.5, null, null, 1e20, 1000.0, 0.5, null, null, 9.0), doubles);
    } finally {
      spark.conf().set("spark.sql.ansi.enabled", before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {",", "|", "::", "\t", ".", "\\"})
  void separatorsSplitLiterally(String separator) {
    String line = String.join(separator, "1", "2", "35", "4");
    List<Row> rows = SparkTestSession.get().createDataset(List.of(line), Encoders.STRING()).toDF("v")
        .select(org.apache.spark.sql.functions.split(org.apache.spark.sql.functions.col("v"),
            DelimitedInteractionParser.literalPattern(separator), -1)).collectAsList();
    assertEquals(List.of("1", "2", "35", "4"), rows.get(0).getList(0));
  }
}
