package dev.ncfspark.data.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.DatasetConfig.GenericConfig;
import dev.ncfspark.config.DatasetConfig.GenericConfig.FileFormat;
import dev.ncfspark.config.DatasetConfig.GenericConfig.IdType;
import dev.ncfspark.data.Columns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets an error naming the file, the line, the column and what was expected. */
class BadInputTest {
  @TempDir Path dir;

  private String folder(String ratingsCsv) throws Exception {
    Path f = Files.createDirectories(dir.resolve("ml"));
    Files.writeString(f.resolve("ratings.csv"), ratingsCsv);
    return f.toString();
  }

  private IngestException failure(String ratingsCsv) throws Exception {
    String folder = folder(ratingsCsv);
    return assertThrows(IngestException.class, () -> {
      IngestResult r = MovieLensSource.read(SparkTestSession.get(), folder, "");
      r.failIfEmpty();
      r.failOnFirstBadLine();
    });
  }

  @Test
  void wrongDelimiterIsNamed() throws Exception {
    IngestException e = failure("userId;movieId;rating;timestamp\n1;2;3.0;100\n");
    assertTrue(e.getMessage().contains("ratings.csv:1:"), e.getMessage());
    assertTrue(e.getMessage().contains("separated by ';' instead"), e.getMessage());
  }

  @Test
  void missingColumnIsNamed() throws Exception {
    IngestException e = failure("userId,movieId,timestamp\n1,2,100\n");
    assertTrue(e.getMessage().contains("missing column(s) [rating]"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void nonNumericRatingNamesLineAndColumn() throws Exception {
    IngestException e = failure("userId,movieId,rating,timestamp\n1,2,3.0,100\n1,3,abc,101\n2,3,x,5\n");
    assertEquals(3, e.line());
    assertTrue(e.getMessage().endsWith("ratings.csv:3: column 3 (rating): expected a number, found 'abc'"), e.getMessage());
  }

  @Test
  void nonNumericIdAndShortLine() throws Exception {
    IngestException id = failure("userId,movieId,rating,timestamp\n1,2,3.0,100\nu7,3,4.0,101\n");
    assertTrue(id.getMessage().contains(":3: column 1 (userId): expected an integer id, found 'u7'"), id.getMessage());
    IngestException shortLine = failure("userId,movieId,rating,timestamp\n1,2,3.0,100\n1,3\n");
    assertTrue(shortLine.getMessage().contains(":3: expected 4 fields separated by ',', found 2"), shortLine.getMessage());
  }

  @Test
  void lineNumbersAreExactAcrossManyInputPartitions() throws Exception {
    StringBuilder csv = new StringBuilder("userId,movieId,rating,timestamp\n");
    for (int i = 2; i <= 60_000; i++) {
      csv.append(i % 97).append(',').append(i).append(',').append(i == 43_210 ? "4.x" : "4.0").append(',').append(1_000 + i).append('\n');
    }
    String folder = folder(csv.toString());
    var spark = SparkTestSession.get();
    spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
    try {
      IngestResult r = MovieLensSource.read(spark, folder, "");
      assertTrue(spark.read().text(folder + "/ratings.csv").rdd().getNumPartitions() > 10);
      IngestException e = assertThrows(IngestException.class, r::failOnFirstBadLine);
      assertEquals(43_210, e.line());
      assertTrue(e.getMessage().endsWith("column 3 (rating): expected a number, found '4.x'"), e.getMessage());
      assertEquals(59_998, r.interactions().count());
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }

  @Test
  void emptyFiles() throws Exception {
    IngestException noHeader = failure("");
    assertTrue(noHeader.getMessage().contains("the file is empty"), noHeader.getMessage());
    IngestException headerOnly = failure("userId,movieId,rating,timestamp\n");
    assertTrue(headerOnly.getMessage().contains("the input is empty"), headerOnly.getMessage());
  }

  @Test
  void skippedLinesAreKeptWithTheirReason() throws Exception {
    String folder = folder("userId,movieId,rating,timestamp\n1,2,3.0,100\n1,3,abc,101\n\n2,3,4.5,5\n2,4,4.5,1e\n");
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), folder, "");
    assertEquals(2, r.interactions().count());
    List<Row> rejected = r.rejected().orderBy(IngestResult.LINE).collectAsList();
    assertEquals(2, rejected.size());
    assertEquals(3L, rejected.get(0).getLong(1));
    assertEquals("1,3,abc,101", rejected.get(0).getString(2));
    assertEquals(6L, rejected.get(1).getLong(1));
    assertTrue(rejected.get(1).getString(3).contains("column 4 (timestamp): expected Unix seconds"), rejected.get(1).getString(3));
  }

  @Test
  void genericCsvWithStringIdsAndHeaderMapping() throws Exception {
    Path f = dir.resolve("reviews.csv");
    Files.writeString(f, "asin,reviewerID,overall,unixReviewTime,summary\nB001,A9X,5.0,1300000000,great\nB002,A9X,2.0,1300000001,meh\n");
    GenericConfig g = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "reviewerID", "asin", "overall",
        "unixReviewTime", "epoch-seconds", IdType.STRING);
    IngestResult r = GenericSource.read(SparkTestSession.get(), g);
    List<Row> rows = r.interactions().orderBy(Columns.ITEM).collectAsList();
    assertEquals("A9X", rows.get(0).getString(0));
    assertEquals("B002", rows.get(1).getString(1));
    assertEquals(2.0, rows.get(1).getDouble(2));

    GenericConfig missing = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "user", "asin", "overall",
        "unixReviewTime", "epoch-seconds", IdType.STRING);
    IngestException e = assertThrows(IngestException.class, () -> GenericSource.read(SparkTestSession.get(), missing));
    assertTrue(e.getMessage().contains("missing column 'user'") && e.getMessage().contains("reviews.csv:1"), e.getMessage());
  }

  @Test
  void genericHeaderlessTsvWithDatetimeAndParquet() throws Exception {
    Path f = dir.resolve("log.tsv");
    Files.writeString(f, "u1\ti1\t2020-01-02 03:04:05\nu2\ti1\tnot-a-date\n");
    GenericConfig g = new GenericConfig(f.toString(), FileFormat.TSV, false, ",", "1", "2", "", "3",
        "yyyy-MM-dd HH:mm:ss", IdType.STRING);
    IngestResult r = GenericSource.read(SparkTestSession.get(), g);
    Row ok = r.interactions().first();
    assertEquals(1577934245L, ok.getLong(3));
    assertEquals(1.0, ok.getDouble(2));
    Row bad = r.rejected().first();
    assertTrue(bad.getString(3).contains("column 3") && bad.getString(3).contains("yyyy-MM-dd HH:mm:ss"), bad.getString(3));

    String parquet = dir.resolve("pq").toString();
    r.interactions().write().parquet(parquet);
    GenericConfig p = new GenericConfig(parquet, FileFormat.PARQUET, true, ",", "user", "item", "rating", "timestamp",
        "epoch-seconds", IdType.STRING);
    assertEquals(1, GenericSource.read(SparkTestSession.get(), p).interactions().count());
  }
}
