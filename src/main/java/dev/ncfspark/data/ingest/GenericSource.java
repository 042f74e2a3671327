package dev.ncfspark.data.ingest;

import dev.ncfspark.config.DatasetConfig.GenericConfig;
import dev.ncfspark.config.DatasetConfig.GenericConfig.FileFormat;
import dev.ncfspark.config.DatasetConfig.GenericConfig.IdType;
import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampType;

/**
 * Reads any user-item(-rating-time) table: CSV/TSV (one file or a folder of files with the same
 * layout) or Parquet, with a column mapping. Ids are kept as text or parsed as integers.
 */
public final class GenericSource {
  private GenericSource() {}

  public static IngestResult read(SparkSession spark, GenericConfig g) {
    List<String> files = InputFiles.list(spark.sparkContext().hadoopConfiguration(), g.path());
    if (g.format() == FileFormat.PARQUET) {
      Dataset<Row> parsed = parquet(spark, g, files);
      return new IngestResult(parsed, () -> parsed, parsed.count(), Optional.empty(), Optional.empty(), Optional.empty(), files);
    }
    List<DelimitedInteractionParser.Parsed> parsed = new ArrayList<>();
    for (String file : files) {
      parsed.add(DelimitedInteractionParser.parse(spark, file, layout(spark, g, file)));
    }
    return new IngestResult(
        parsed.stream().map(DelimitedInteractionParser.Parsed::rows).reduce(Dataset::unionAll).orElseThrow(),
        () -> parsed.stream().map(p -> p.withLines().get()).reduce(Dataset::unionAll).orElseThrow(),
        parsed.stream().mapToLong(DelimitedInteractionParser.Parsed::dataLines).sum(),
        Optional.empty(), Optional.empty(), Optional.empty(), files);
  }

  /** The data files of {@code g.path()}, for checksums. */
  public static List<String> inputFiles(SparkSession spark, GenericConfig g) {
    return InputFiles.list(spark.sparkContext().hadoopConfiguration(), g.path());
  }

  /** Field positions from the header (names) or from 1-based positions when there is no header. */
  static DelimitedLayout layout(SparkSession spark, GenericConfig g, String file) {
    String sep = g.separator();
    List<String> names;
    int fieldCount;
    if (g.header()) {
      String header = LineNumberedText.firstLine(spark, file);
      if (header == null) {
        throw new IngestException(file, 0, "the file is empty: expected a header line naming the columns "
            + List.of(g.userColumn(), g.itemColumn(), g.ratingColumn(), g.timestampColumn()));
      }
      names = Arrays.stream(header.split(Pattern.quote(sep), -1)).map(String::trim).toList();
      fieldCount = names.size();
    } else {
      names = new ArrayList<>();
      fieldCount = -1;
    }
    int user = position(g, file, names, g.userColumn(), Columns.USER, sep);
    int item = position(g, file, names, g.itemColumn(), Columns.ITEM, sep);
    int rating = g.ratingColumn().isBlank() ? -1 : position(g, file, names, g.ratingColumn(), Columns.RATING, sep);
    int timestamp = g.timestampColumn().isBlank() ? -1 : position(g, file, names, g.timestampColumn(), Columns.TIMESTAMP, sep);
    return new DelimitedLayout(sep, g.header(), fieldCount, user, item, rating, timestamp, g.idType(),
        new TimestampFormat(g.timestampFormat()), names, ratingRange(g), false);
  }

  private static int position(GenericConfig g, String file, List<String> header, String column, String role, String sep) {
    if (!g.header()) {
      try {
        int p = Integer.parseInt(column.trim());
        if (p >= 1) {
          return p - 1;
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
      throw new IllegalArgumentException("dataset.generic.columns." + role + " = '" + column
          + "': without a header, columns are 1-based field positions such as \"1\"");
    }
    int p = header.indexOf(column);
    if (p < 0) {
      String hint = header.size() == 1 ? " (only one field: is the delimiter '" + (sep.equals("\t") ? "\\t" : sep) + "' right?)" : "";
      throw new IngestException(file, 1, "missing column '" + column + "' (the " + role + " column): the header has " + header + hint);
    }
    return p;
  }

  /** Parquet: columns by name, cast to the canonical types; a row with a null or unparsable field is rejected with a reason. */
  private static Dataset<Row> parquet(SparkSession spark, GenericConfig g, List<String> files) {
    Dataset<Row> raw = spark.read().parquet(g.path());
    List<String> present = Arrays.asList(raw.columns());
    for (String c : List.of(g.userColumn(), g.itemColumn(), g.ratingColumn(), g.timestampColumn())) {
      if (!c.isBlank() && !present.contains(c)) {
        throw new IngestException(g.path(), 0, "missing column '" + c + "': the Parquet schema has " + present);
      }
    }
    String idType = g.idType() == IdType.LONG ? "bigint" : "string";
    String rating = g.ratingColumn().isBlank() ? "1.0D" : TypedParse.castColumn(q(g.ratingColumn()), raw.schema().apply(g.ratingColumn()).dataType(), "double");
    String timestamp;
    if (g.timestampColumn().isBlank()) {
      timestamp = "0L";
    } else {
      DataType type = raw.schema().apply(g.timestampColumn()).dataType();
      timestamp = type instanceof TimestampType ? "unix_seconds(" + q(g.timestampColumn()) + ")"
          : type.equals(DataTypes.StringType) ? new TimestampFormat(g.timestampFormat()).parseSql(q(g.timestampColumn()))
          : g.timestampFormat().equals(TimestampFormat.EPOCH_MILLIS) ? "cast(floor(" + q(g.timestampColumn()) + " / 1000) as bigint)"
          : "cast(" + q(g.timestampColumn()) + " as bigint)";
    }
    List<String> contentFields = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      contentFields.add(q(f.name()));
    }
    Dataset<Row> typed = raw.selectExpr(
        TypedParse.castColumn(q(g.userColumn()), raw.schema().apply(g.userColumn()).dataType(), idType) + " as " + Columns.USER,
        TypedParse.castColumn(q(g.itemColumn()), raw.schema().apply(g.itemColumn()).dataType(), idType) + " as " + Columns.ITEM,
        rating + " as " + Columns.RATING,
        timestamp + " as " + Columns.TIMESTAMP,
        "_metadata.file_path as " + IngestResult.FILE,
        "_metadata.row_index + 1 as " + IngestResult.LINE,
        "to_json(struct(" + String.join(", ", contentFields) + ")) as " + IngestResult.CONTENT);
    RatingRange range = ratingRange(g);
    String reason = "CASE WHEN " + Columns.USER + " IS NULL OR " + Columns.USER + " = '' THEN " + TypedParse.quote("column " + g.userColumn() + ": expected a non-null " + (idType.equals("bigint") ? "integer " : "") + "id")
        + " WHEN " + Columns.ITEM + " IS NULL OR " + Columns.ITEM + " = '' THEN " + TypedParse.quote("column " + g.itemColumn() + ": expected a non-null " + (idType.equals("bigint") ? "integer " : "") + "id")
        + " WHEN " + Columns.RATING + " IS NULL OR isnan(" + Columns.RATING + ") THEN " + TypedParse.quote("column " + g.ratingColumn() + ": expected a number")
        + (range == null || g.ratingColumn().isBlank() ? "" : " WHEN " + range.outsideSql(Columns.RATING) + " THEN concat("
            + TypedParse.quote("column " + g.ratingColumn() + ": expected " + range.expectation() + ", found ") + ", " + Columns.RATING + ")")
        + " WHEN " + Columns.TIMESTAMP + " IS NULL THEN " + TypedParse.quote("column " + g.timestampColumn() + ": expected a timestamp") + " END";
    return typed.selectExpr(Columns.USER, Columns.ITEM, Columns.RATING, Columns.TIMESTAMP,
        IngestResult.FILE, IngestResult.LINE, IngestResult.CONTENT, reason + " as " + Columns.REASON);
  }

  /** The configured dataset.generic.rating-range, or null (any number). */
  private static RatingRange ratingRange(GenericConfig g) {
    return g.ratingRange().isEmpty() ? null
        : new RatingRange(g.ratingRange().get(0), g.ratingRange().get(1), "dataset.generic.rating-range");
  }

  private static String q(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
