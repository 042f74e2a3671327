package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * MovieLens item and user metadata as tables keyed by the original ids: items (item, title,
 * year, genres array), users (user, gender, age, occupation, zip) and tag applications (user,
 * item, tag, timestamp). Titles carry the release year in parentheses; it is split out. Old
 * archives are Latin-1.
 */
final class MovieLensMetadata {
  /**
   * "(1995)" at the end of a title already trimmed: the RAPIDS Accelerator transpiles {@code $}
   * after a literal, not after {@code \\s*}, so the titles are trimmed first.
   */
  private static final String YEAR_AT_END = "'\\\\((\\\\d{4})\\\\)$'";
  private static final String SPACES_AND_YEAR_AT_END = "'\\\\s*\\\\((\\\\d{4})\\\\)$'";

  private MovieLensMetadata() {}

  /** movies.csv of the CSV archives: movieId,title,genres (quoted titles with commas). */
  static Dataset<Row> moviesCsv(SparkSession spark, String file) {
    Dataset<Row> raw = spark.read().option("header", "true").option("quote", "\"").option("escape", "\"")
        .option("mode", "FAILFAST").schema("movieId BIGINT, title STRING, genres STRING").csv(file);
    return items(raw, "genres");
  }

  /** movies.dat of ML-1M / ML-10M: MovieID::Title::Genres, Latin-1. */
  static Dataset<Row> moviesDat(SparkSession spark, String file) {
    Dataset<Row> raw = spark.read().option("sep", "::").option("encoding", "ISO-8859-1").option("quote", "\u0000")
        .option("mode", "FAILFAST").schema("movieId BIGINT, title STRING, genres STRING").csv(file);
    return items(raw, "genres");
  }

  /** u.item of ML-100K: id|title|release date|video release date|URL|19 genre flags, Latin-1. */
  static Dataset<Row> uItem(SparkSession spark, String file, Optional<String> genreFile) {
    List<String> genreNames = genreFile.map(f -> genreNames(spark, f)).orElse(List.of());
    StringBuilder schema = new StringBuilder("movieId BIGINT, title STRING, released STRING, video STRING, url STRING");
    for (int g = 0; g < 19; g++) {
      schema.append(", g").append(g).append(" INT");
    }
    Dataset<Row> raw = spark.read().option("sep", "|").option("encoding", "ISO-8859-1").option("quote", "\u0000")
        .option("mode", "FAILFAST").schema(schema.toString()).csv(file);
    List<String> flags = new ArrayList<>();
    for (int g = 0; g < 19; g++) {
      String name = g < genreNames.size() ? genreNames.get(g) : "genre" + g;
      flags.add("IF(g" + g + " = 1, " + TypedParse.quote(name) + ", NULL)");
    }
    Dataset<Row> withGenres = raw.selectExpr("movieId", "title",
        "concat_ws('|', array_compact(array(" + String.join(", ", flags) + "))) as genres");
    return items(withGenres, "genres");
  }

  /** users.dat of ML-1M: UserID::Gender::Age::Occupation::Zip-code (age and occupation are codes, see its README). */
  static Dataset<Row> usersDat(SparkSession spark, String file) {
    return spark.read().option("sep", "::").option("quote", "\u0000").option("mode", "FAILFAST")
        .schema(Columns.USER + " BIGINT, " + IngestResult.GENDER + " STRING, " + IngestResult.AGE + " INT, "
            + IngestResult.OCCUPATION + " STRING, " + IngestResult.ZIP + " STRING").csv(file);
  }

  /** u.user of ML-100K: user id|age|gender|occupation|zip code. */
  static Dataset<Row> uUser(SparkSession spark, String file) {
    return spark.read().option("sep", "|").option("quote", "\u0000").option("mode", "FAILFAST")
        .schema(Columns.USER + " BIGINT, " + IngestResult.AGE + " INT, " + IngestResult.GENDER + " STRING, "
            + IngestResult.OCCUPATION + " STRING, " + IngestResult.ZIP + " STRING").csv(file)
        .select(Columns.USER, IngestResult.GENDER, IngestResult.AGE, IngestResult.OCCUPATION, IngestResult.ZIP);
  }

  /**
   * tags.csv of the CSV archives (ml-latest, ml-latest-small, ML-20M, ML-25M): userId,movieId,tag,timestamp,
   * one line per tag application; tags with commas or quotes are quoted as in movies.csv.
   */
  static Dataset<Row> tagsCsv(SparkSession spark, String file) {
    return spark.read().option("header", "true").option("quote", "\"").option("escape", "\"")
        .option("mode", "FAILFAST").schema("userId BIGINT, movieId BIGINT, tag STRING, timestamp BIGINT").csv(file)
        .select(col("userId").as(Columns.USER), col("movieId").as(Columns.ITEM), col("tag").as(IngestResult.TAG),
            col("timestamp").as(Columns.TIMESTAMP));
  }

  private static Dataset<Row> items(Dataset<Row> raw, String genresColumn) {
    return raw.selectExpr(
        "movieId as " + Columns.ITEM,
        "trim(regexp_replace(trim(title), " + SPACES_AND_YEAR_AT_END + ", '')) as " + IngestResult.TITLE,
        // four digits always cast
        "cast(nullif(regexp_extract(trim(title), " + YEAR_AT_END + ", 1), '') as int) as " + IngestResult.YEAR,
        "filter(split(" + genresColumn + ", '[|]'), g -> g <> '' AND g <> '(no genres listed)') as " + IngestResult.GENRES);
  }

  /** u.genre: name|index lines, in index order. Tiny, read on the driver. */
  private static List<String> genreNames(SparkSession spark, String file) {
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
      var fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<String> names = new ArrayList<>();
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(path), java.nio.charset.StandardCharsets.ISO_8859_1))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          int bar = line.indexOf('|');
          if (bar > 0) {
            names.add(line.substring(0, bar));
          }
        }
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
