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
    assertTrue(e.getMessage().contains("ratings.csv:3: column 3 (rating): expected a number, found 'abc'; the line: '"), e.getMessage());
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
      csv.append(1 + i % 97).append(',').append(i).append(',').append(i == 43_210 ? "4.x" : "4.0").append(',').append(1_000 + i).append('\n');
    }
    String folder = folder(csv.toString());
    var spark = SparkTestSession.get();
    spark.conf().set("spark.sql.files.maxPartitionBytes", "65536");
    try {
      IngestResult r = MovieLensSource.read(spark, folder, "");
      assertTrue(spark.read().text(folder + "/ratings.csv").rdd().getNumPartitions() > 10);
      IngestException e = assertThrows(IngestException.class, r::failOnFirstBadLine);
      assertEquals(43_210, e.line());
      assertTrue(e.getMessage().endsWith("column 3 (rating): expected a number, found '4.x'; the line: '"
          + (1 + 43_210 % 97) + ",43210,4.x,44210'"), e.getMessage());
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
    // ingest writes the interactions and re-parses for rejected lines only when these differ
    assertEquals(4, r.dataRows(), "every line that is neither blank nor the header");
  }

  @Test
  void bothParsesOfAFileAgreeOnEveryLine() throws Exception {
    // the interactions come from the lines without numbers, the rejected lines from the numbered
    // ones: every data line is one or the other, whatever it holds
    String folder = folder("userId,movieId,rating,timestamp\n1,2,3.0,100\n\t\n \u0001 \n1,3,4.0,101\u0001\n"
        + "1,4,4.0,102\u0001junk\n\u00011,5,4.0,103\n1,6,\"4.0\",104\n   \n2,1,5.0,1\r\n2,2,5.0,2\r3,3,1.0,3\n");
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), folder, "");
    long interactions = r.interactions().count();
    List<Row> rejected = r.rejected().orderBy(IngestResult.LINE).collectAsList();
    assertEquals(r.dataRows(), interactions + rejected.size(), "every data line is an interaction or a rejected line: " + rejected);
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L), rejected.stream().map(x -> x.getLong(1)).toList(), rejected.toString());
    assertEquals(4, interactions);
  }

  @Test
  void dataRowsOfACleanFileAreItsInteractions() throws Exception {
    String folder = folder("userId,movieId,rating,timestamp\n1,2,3.0,100\n   \n1,3,4.0,101\n\n");
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), folder, "");
    assertEquals(2, r.interactions().count());
    assertEquals(2, r.dataRows());
    assertEquals(0, r.rejected().count());
  }

  @Test
  void negativeIdsAndRatingsOffTheScaleAreNamed() throws Exception {
    IngestException rating = failure("userId,movieId,rating,timestamp\n1,1,4.5,1\n1,2,99,2\n");
    assertTrue(rating.getMessage().contains("ratings.csv:3") && rating.getMessage().contains("column 3 (rating)")
        && rating.getMessage().contains("[0.5, 5.0]") && rating.getMessage().contains("found '99'"), rating.getMessage());
    IngestException zero = failure("userId,movieId,rating,timestamp\n1,1,0.0,1\n");
    assertTrue(zero.getMessage().contains("ratings.csv:2") && zero.getMessage().contains("[0.5, 5.0]"), zero.getMessage());
    IngestException user = failure("userId,movieId,rating,timestamp\n1,1,4.5,1\n-3,2,4,2\n");
    assertTrue(user.getMessage().contains("ratings.csv:3") && user.getMessage().contains("column 1 (userId)")
        && user.getMessage().contains("a positive id") && user.getMessage().contains("found '-3'"), user.getMessage());
    IngestException item = failure("userId,movieId,rating,timestamp\n1,0,4.5,1\n");
    assertTrue(item.getMessage().contains("column 2 (movieId)") && item.getMessage().contains("a positive id"), item.getMessage());

    // ML-100K's u.data is on whole stars 1..5
    Path ml100k = Files.createDirectories(dir.resolve("ml-100k"));
    Files.writeString(ml100k.resolve("u.data"), "1\t1\t5\t881250949\n2\t3\t0.5\t881250950\n");
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), ml100k.toString(), "");
    List<Row> rejected = r.rejected().collectAsList();
    assertEquals(1, rejected.size());
    assertEquals(2L, rejected.get(0).getLong(1));
    assertTrue(rejected.get(0).getString(3).contains("[1.0, 5.0]"), rejected.get(0).getString(3));
    assertEquals(1, r.interactions().count());
  }

  @Test
  void binaryBytesAreEscapedInTheMessage() throws Exception {
    Path f = Files.createDirectories(dir.resolve("binary"));
    byte[] bytes = "userId,movieId,rating,timestamp\n1,1,4.0,1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] junk = {0x50, 0x4B, 0x03, 0x04, 0x00, 0x1B, (byte) 0xFF, (byte) 0xFE, 0x07, 0x2C, 0x7F, 0x0A};
    byte[] all = java.util.Arrays.copyOf(bytes, bytes.length + junk.length);
    System.arraycopy(junk, 0, all, bytes.length, junk.length);
    Files.write(f.resolve("ratings.csv"), all);
    IngestException e = assertThrows(IngestException.class, () -> MovieLensSource.read(SparkTestSession.get(), f.toString(), "")
        .failOnFirstBadLine());
    String m = e.getMessage();
    assertTrue(m.contains("ratings.csv:3") && m.contains("\\u0000") && m.contains("\\u001B") && m.contains("\\uFFFD")
        && m.contains("\\u007F"), m);
    assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7F || c == 0xFFFD), "no raw control bytes: " + m);
  }

  @Test
  void genericRatingRangeIsChecked() throws Exception {
    Path f = dir.resolve("scored.csv");
    Files.writeString(f, "user,item,rating,timestamp\nu1,i1,3,1\nu1,i2,11,2\n");
    GenericConfig open = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "user", "item", "rating", "timestamp",
        "epoch-seconds", IdType.STRING, List.of());
    assertEquals(2, GenericSource.read(SparkTestSession.get(), open).interactions().count(), "no range: any number");
    GenericConfig ranged = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "user", "item", "rating", "timestamp",
        "epoch-seconds", IdType.STRING, List.of(1.0, 10.0));
    Row bad = GenericSource.read(SparkTestSession.get(), ranged).rejected().first();
    assertEquals(3L, bad.getLong(1));
    assertTrue(bad.getString(3).contains("[1.0, 10.0]") && bad.getString(3).contains("dataset.generic.rating-range"), bad.getString(3));

    String parquet = dir.resolve("scored-pq").toString();
    GenericSource.read(SparkTestSession.get(), open).interactions().write().parquet(parquet);
    GenericConfig pq = new GenericConfig(parquet, FileFormat.PARQUET, true, ",", "user", "item", "rating", "timestamp",
        "epoch-seconds", IdType.STRING, List.of(1.0, 10.0));
    IngestResult r = GenericSource.read(SparkTestSession.get(), pq);
    assertEquals(1, r.interactions().count());
    assertTrue(r.rejected().first().getString(3).contains("expected a rating in [1.0, 10.0]"), r.rejected().first().getString(3));
  }

  @Test
  void genericCsvWithStringIdsAndHeaderMapping() throws Exception {
    Path f = dir.resolve("reviews.csv");
    Files.writeString(f, "asin,reviewerID,overall,unixReviewTime,summary\nB001,A9X,5.0,1300000000,great\nB002,A9X,2.0,1300000001,meh\n");
    GenericConfig g = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "reviewerID", "asin", "overall",
        "unixReviewTime", "epoch-seconds", IdType.STRING, List.of());
    IngestResult r = GenericSource.read(SparkTestSession.get(), g);
    List<Row> rows = r.interactions().orderBy(Columns.ITEM).collectAsList();
    assertEquals("A9X", rows.get(0).getString(0));
    assertEquals("B002", rows.get(1).getString(1));
    assertEquals(2.0, rows.get(1).getDouble(2));

    GenericConfig missing = new GenericConfig(f.toString(), FileFormat.CSV, true, ",", "user", "asin", "overall",
        "unixReviewTime", "epoch-seconds", IdType.STRING, List.of());
    IngestException e = assertThrows(IngestException.class, () -> GenericSource.read(SparkTestSession.get(), missing));
    assertTrue(e.getMessage().contains("missing column 'user'") && e.getMessage().contains("reviews.csv:1"), e.getMessage());
  }

  @Test
  void genericHeaderlessTsvWithDatetimeAndParquet() throws Exception {
    Path f = dir.resolve("log.tsv");
    Files.writeString(f, "u1\ti1\t2020-01-02 03:04:05\nu2\ti1\tnot-a-date\n");
    GenericConfig g = new GenericConfig(f.toString(), FileFormat.TSV, false, ",", "1", "2", "", "3",
        "yyyy-MM-dd HH:mm:ss", IdType.STRING, List.of());
    IngestResult r = GenericSource.read(SparkTestSession.get(), g);
    Row ok = r.interactions().first();
    assertEquals(1577934245L, ok.getLong(3));
    assertEquals(1.0, ok.getDouble(2));
    Row bad = r.rejected().first();
    assertTrue(bad.getString(3).contains("column 3") && bad.getString(3).contains("yyyy-MM-dd HH:mm:ss"), bad.getString(3));

    String parquet = dir.resolve("pq").toString();
    r.interactions().write().parquet(parquet);
    GenericConfig p = new GenericConfig(parquet, FileFormat.PARQUET, true, ",", "user", "item", "rating", "timestamp",
        "epoch-seconds", IdType.STRING, List.of());
    assertEquals(1, GenericSource.read(SparkTestSession.get(), p).interactions().count());
  }
}
