package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;

import dev.ncfspark.config.DatasetConfig.GenericConfig.IdType;
import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Parses a delimited interactions file into the canonical columns with Spark SQL built-ins,
 * keeping for every line its file, line number, text and, when it does not parse, the reason
 * (which column, what was expected, what was found). Blank lines carry no data and are skipped.
 */
final class DelimitedInteractionParser {
  private DelimitedInteractionParser() {}

  /**
   * A regular expression that matches {@code separator} literally, metacharacters escaped one by
   * one: the RAPIDS Accelerator does not transpile Pattern.quote's {@code \\Q...\\E}.
   */
  static String literalPattern(String separator) {
    StringBuilder p = new StringBuilder();
    for (char c : separator.toCharArray()) {
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        p.append('\\');
      }
      p.append(c);
    }
    return p.toString();
  }

  /**
   * Every data line of a file parsed: {@code rows} (file, line and content null) for the
   * interactions, {@code withLines} the same lines parsed with their file, line number and content
   * (its counting pass runs only when it is called: for the rejected lines), and {@code
   * dataLines}, how many there are (neither blank nor the header).
   */
  record Parsed(Dataset<Row> rows, Supplier<Dataset<Row>> withLines, long dataLines) {}

  /**
   * Reads {@code file} as text: the interactions from its lines alone, without line numbers (no
   * counting pass); the rejected lines, only when some line did not parse, from the numbered lines.
   * Both parse the same lines with the same expressions, so a line is rejected by one exactly when
   * it is by the other. Text rather than Spark's CSV source (which the RAPIDS Accelerator reads):
   * the CSV source skips blank lines, so its rows cannot be numbered, and it drops the fields of a
   * line that its schema does not name; reading each line as one CSV field instead took 8.2 s to
   * scan and split the 20M lines of an ML-20M-size file on local[2], against 2.7 s as text.
   */
  static Parsed parse(SparkSession spark, String file, DelimitedLayout layout) {
    Dataset<Row> lines = spark.read().text(file)
        .select(lit(null).cast("bigint").as(LineNumberedText.LINE), col(LineNumberedText.VALUE),
            spark_partition_id().as("_pid"), monotonically_increasing_id().as("_mid"))
        .where(notBlank());
    if (layout.hasHeader()) {
      // the header is line 1 and never blank (the sources check it): the first line of the first partition
      lines = lines.where(not(col("_pid").equalTo(0).and(col("_mid").equalTo(0))));
    }
    long dataLines = lines.count();
    Supplier<Dataset<Row>> withLines = () -> {
      Dataset<Row> numbered = LineNumberedText.read(spark, file).where(notBlank());
      if (layout.hasHeader()) {
        numbered = numbered.where(col(LineNumberedText.LINE).gt(1));
      }
      return typed(numbered, file, layout);
    };
    return new Parsed(typed(lines, file, layout), withLines, dataLines);
  }

  /** Blank lines (nothing but spaces) carry no data and are skipped. */
  private static Column notBlank() {
    return trim(col(LineNumberedText.VALUE)).notEqual("");
  }

  /** Lines (line, value) parsed into the canonical columns. */
  private static Dataset<Row> typed(Dataset<Row> lines, String file, DelimitedLayout layout) {
    Dataset<Row> fields = lines.select(
        col(LineNumberedText.LINE),
        col(LineNumberedText.VALUE),
        split(col(LineNumberedText.VALUE), literalPattern(layout.separator()), -1).as("f"));

    String idType = layout.idType() == IdType.LONG ? "bigint" : "string";
    String user = TypedParse.field("f", layout.userField());
    String item = TypedParse.field("f", layout.itemField());
    String rating = layout.ratingField() < 0 ? "'1.0'" : TypedParse.field("f", layout.ratingField());
    String timestamp = layout.timestampField() < 0 ? "'0'" : TypedParse.field("f", layout.timestampField());

    Dataset<Row> typed = fields.selectExpr(
        "line", "value",
        "size(f) as n_fields",
        user + " as raw_user", item + " as raw_item", rating + " as raw_rating", timestamp + " as raw_timestamp",
        castId(user, idType) + " as " + Columns.USER,
        castId(item, idType) + " as " + Columns.ITEM,
        TypedParse.checkedCast(rating, "double") + " as " + Columns.RATING,
        layout.timestampFormat().parseSql(timestamp) + " as " + Columns.TIMESTAMP);

    List<String> checks = new ArrayList<>();
    String countCheck = layout.fieldCount() > 0 ? "n_fields <> " + layout.fieldCount() : "n_fields < " + minFields(layout);
    String expectedCount = layout.fieldCount() > 0 ? "expected " + layout.fieldCount() : "expected at least " + minFields(layout);
    checks.add("WHEN " + countCheck + " THEN concat(" + TypedParse.quote(expectedCount + " fields separated by '" + layout.printableSeparator() + "'")
        + ", ', found ', n_fields, ' in ', " + TypedParse.quote("'") + ", substr(value, 1, 80), " + TypedParse.quote("'") + ")");
    checks.add(columnCheck(layout, layout.userField(), "raw_user", Columns.USER, layout.idType() == IdType.LONG ? "an integer id" : "a non-empty id"));
    checks.add(columnCheck(layout, layout.itemField(), "raw_item", Columns.ITEM, layout.idType() == IdType.LONG ? "an integer id" : "a non-empty id"));
    if (layout.positiveIds()) {
      checks.add(columnCheck(layout, layout.userField(), "raw_user", "(" + Columns.USER + " < 1)", "a positive id (MovieLens ids start at 1)"));
      checks.add(columnCheck(layout, layout.itemField(), "raw_item", "(" + Columns.ITEM + " < 1)", "a positive id (MovieLens ids start at 1)"));
    }
    if (layout.ratingField() >= 0) {
      checks.add(columnCheck(layout, layout.ratingField(), "raw_rating", "isnan(coalesce(" + Columns.RATING + ", double('NaN')))", "a number"));
      if (layout.ratingRange() != null) {
        checks.add(columnCheck(layout, layout.ratingField(), "raw_rating", layout.ratingRange().outsideSql(Columns.RATING),
            layout.ratingRange().expectation()));
      }
    }
    if (layout.timestampField() >= 0) {
      checks.add(columnCheck(layout, layout.timestampField(), "raw_timestamp", Columns.TIMESTAMP, layout.timestampFormat().expectation()));
    }
    String reason = "CASE " + String.join(" ", checks) + " END";

    return typed.selectExpr(
            Columns.USER, Columns.ITEM, Columns.RATING, Columns.TIMESTAMP,
            "line", "value as " + IngestResult.CONTENT, reason + " as " + Columns.REASON)
        .withColumn(IngestResult.FILE, lit(file))
        .select(IngestResult.PARSED_COLUMNS);
  }

  private static String castId(String fieldExpr, String idType) {
    return idType.equals("string") ? "nullif(" + fieldExpr + ", '')" : TypedParse.checkedCast(fieldExpr, idType);
  }

  private static int minFields(DelimitedLayout layout) {
    return 1 + Math.max(Math.max(layout.userField(), layout.itemField()), Math.max(layout.ratingField(), layout.timestampField()));
  }

  /** A CASE branch: the parsed column is null (or the given condition holds) -> which column, what was expected, what was found. */
  private static String columnCheck(DelimitedLayout layout, int field, String rawColumn, String parsedOrCondition, String expected) {
    String condition = parsedOrCondition.contains("(") ? parsedOrCondition : parsedOrCondition + " IS NULL";
    String label = "column " + (field + 1) + " (" + layout.fieldName(field) + "): expected " + expected + ", found '";
    return "WHEN " + condition + " THEN concat(" + TypedParse.quote(label) + ", coalesce(" + rawColumn + ", ''), " + TypedParse.quote("'") + ")";
  }
}
