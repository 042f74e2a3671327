package dev.ncfspark.data.ingest;

import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads an unpacked MovieLens archive. The flavour is told by its ratings file: ratings.csv
 * (ML-20M, ML-25M, ml-latest, ml-latest-small), ratings.dat (ML-1M, ML-10M: '::'), or u.data
 * (ML-100K: tab separated, no header). Item metadata (title, year, genres) and, where the
 * archive has them, user attributes and tag applications (tags.csv) are read beside the ratings.
 */
public final class MovieLensSource {
  static final List<String> CSV_HEADER = List.of("userId", "movieId", "rating", "timestamp");
  static final List<String> DAT_FIELDS = List.of("UserID", "MovieID", "Rating", "Timestamp");
  static final List<String> U_DATA_FIELDS = List.of("user id", "item id", "rating", "timestamp");

  private MovieLensSource() {}

  /** Reads {@code folder}; {@code ratingsFile}, when not blank, names the ratings file inside it. */
  public static IngestResult read(SparkSession spark, String folder, String ratingsFile) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String ratings = ratingsFile(conf, folder, ratingsFile);
    String name = ratings.substring(ratings.lastIndexOf('/') + 1);

    DelimitedInteractionParser.Parsed parsed;
    Optional<Dataset<Row>> items;
    Optional<Dataset<Row>> users = Optional.empty();
    Optional<Dataset<Row>> tags = Optional.empty();
    if (name.endsWith(".csv")) {
      checkHeader(spark, ratings, ",", CSV_HEADER);
      parsed = DelimitedInteractionParser.parse(spark, ratings, DelimitedLayout.movieLens(",", true, CSV_HEADER, RatingRange.MOVIELENS_HALF_STARS));
      items = InputFiles.find(conf, folder, "movies.csv").map(f -> MovieLensMetadata.moviesCsv(spark, f));
      tags = InputFiles.find(conf, folder, "tags.csv").map(f -> MovieLensMetadata.tagsCsv(spark, f));
    } else if (name.startsWith("u.data")) {
      parsed = DelimitedInteractionParser.parse(spark, ratings, DelimitedLayout.movieLens("\t", false, U_DATA_FIELDS, RatingRange.MOVIELENS_STARS));
      Optional<String> genres = InputFiles.find(conf, folder, "u.genre");
      items = InputFiles.find(conf, folder, "u.item").map(f -> MovieLensMetadata.uItem(spark, f, genres));
      users = InputFiles.find(conf, folder, "u.user").map(f -> MovieLensMetadata.uUser(spark, f));
    } else {
      parsed = DelimitedInteractionParser.parse(spark, ratings, DelimitedLayout.movieLens("::", false, DAT_FIELDS, RatingRange.MOVIELENS_STARS));
      items = InputFiles.find(conf, folder, "movies.dat").map(f -> MovieLensMetadata.moviesDat(spark, f));
      users = InputFiles.find(conf, folder, "users.dat").map(f -> MovieLensMetadata.usersDat(spark, f));
    }
    return new IngestResult(parsed.rows(), parsed.withLines(), parsed.dataLines(), items, users, tags, List.of(ratings));
  }

  /** Every file {@link #read} reads (ratings first, then metadata), for checksums. */
  public static List<String> inputFiles(SparkSession spark, String folder, String ratingsFile) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = new java.util.ArrayList<>();
    files.add(ratingsFile(conf, folder, ratingsFile));
    for (String meta : List.of("movies.csv", "movies.dat", "users.dat", "u.item", "u.user", "u.genre", "tags.csv")) {
      InputFiles.find(conf, folder, meta).ifPresent(files::add);
    }
    return files;
  }

  private static String ratingsFile(Configuration conf, String folder, String ratingsFile) {
    return ratingsFile.isBlank()
        ? InputFiles.find(conf, folder, "ratings.csv", "ratings.dat", "ratings.dat.gz", "u.data")
            .orElseThrow(() -> new IngestException(folder, 0, "not a MovieLens folder: expected ratings.csv, ratings.dat or u.data"))
        : InputFiles.find(conf, folder, ratingsFile).orElseThrow(() -> new IngestException(folder + "/" + ratingsFile, 0, "no such file"));
  }

  /** Line 1 must be exactly the expected header; says so, with a hint when another separator fits. */
  static void checkHeader(SparkSession spark, String file, String separator, List<String> expected) {
    String first = LineNumberedText.firstLine(spark, file);
    String wanted = String.join(separator, expected);
    if (first == null) {
      throw new IngestException(file, 0, "the file is empty: expected a header line '" + wanted + "' and then data");
    }
    List<String> found = List.of(first.trim().split(java.util.regex.Pattern.quote(separator), -1));
    if (found.equals(expected)) {
      return;
    }
    String problem = "expected the header '" + wanted + "' (fields separated by '" + separator + "'), found '" + first + "'";
    for (String other : List.of("\t", ";", ",", "|", "::")) {
      if (!other.equals(separator) && first.split(java.util.regex.Pattern.quote(other), -1).length == expected.size()) {
        problem += ": the fields look separated by '" + (other.equals("\t") ? "\\t" : other) + "' instead (wrong delimiter?)";
        break;
      }
    }
    if (found.size() == expected.size()) {
      for (int i = 0; i < expected.size(); i++) {
        if (!expected.get(i).equals(found.get(i))) {
          problem += ": column " + (i + 1) + " should be '" + expected.get(i) + "'";
          break;
        }
      }
    } else if (found.size() < expected.size() && !problem.contains("wrong delimiter")) {
      List<String> missing = expected.stream().filter(e -> !found.contains(e)).toList();
      problem += ": missing column(s) " + missing;
    }
    throw new IngestException(file, 1, problem);
  }
}
