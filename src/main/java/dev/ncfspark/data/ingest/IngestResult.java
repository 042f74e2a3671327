package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What ingest read: every parsed line (canonical columns plus file, line, content and a reason
 * when it did not parse; in {@code parsed} file, line and content may be null, {@code
 * parsedWithLines} has them and is read only for the rejected lines) and how many lines or rows
 * carry data ({@code dataRows}: when as many interactions parse, nothing was rejected), optional item and user metadata and item tags, and the input files (for
 * checksums).
 */
public record IngestResult(Dataset<Row> parsed, Supplier<Dataset<Row>> parsedWithLines, long dataRows,
    Optional<Dataset<Row>> items, Optional<Dataset<Row>> users, Optional<Dataset<Row>> tags, List<String> inputFiles) {
  public static final String FILE = "file";
  public static final String LINE = "line";
  public static final String CONTENT = "content";
  /** Item metadata ({@link #items}): item, title (without the year), year (int, null when absent), genres (array of names). */
  public static final String TITLE = "title";
  public static final String YEAR = "year";
  public static final String GENRES = "genres";
  /** User metadata ({@link #users}): user, gender, age (ML-1M: its age-group code), occupation, zip. */
  public static final String GENDER = "gender";
  public static final String AGE = "age";
  public static final String OCCUPATION = "occupation";
  public static final String ZIP = "zip";
  /** Tag applications ({@link #tags}): user, item, tag, timestamp; one row per application. */
  public static final String TAG = "tag";
  static final Column[] PARSED_COLUMNS = {
      col(Columns.USER), col(Columns.ITEM), col(Columns.RATING), col(Columns.TIMESTAMP),
      col(FILE), col(LINE), col(CONTENT), col(Columns.REASON)};

  /** The canonical interactions: user, item, rating (double), timestamp (Unix seconds). */
  public Dataset<Row> interactions() {
    // Each line to zero or one rows rather than a filter on the reason: Spark pushes a filter below
    // the projections it reads, inlining the whole parse into it, so every line would be split
    // and checked once for the filter and again for the columns (measured: 69 s instead of 28 s
    // at ML-20M size).
    // (explode and a struct rather than inline: the RAPIDS Accelerator runs explode, not inline)
    return parsed.selectExpr("explode(array_repeat(named_struct('" + Columns.USER + "', " + Columns.USER + ", '" + Columns.ITEM + "', "
        + Columns.ITEM + ", '" + Columns.RATING + "', " + Columns.RATING + ", '" + Columns.TIMESTAMP + "', " + Columns.TIMESTAMP
        + "), IF(" + Columns.REASON + " IS NULL, 1, 0))) as _row").select("_row.*");
  }

  /** An empty table with the columns of {@link #rejected} (without reading the input again). */
  public Dataset<Row> noRejected() {
    return parsed.limit(0).select(FILE, LINE, CONTENT, Columns.REASON);
  }

  /** Lines that did not parse: file, line, content, reason. */
  public Dataset<Row> rejected() {
    return parsedWithLines.get().where(col(Columns.REASON).isNotNull()).select(FILE, LINE, CONTENT, Columns.REASON);
  }

  /**
   * Throws an {@link IngestException} for the first bad line (by file, then line), if any: the
   * reason, then the line itself (at most {@value #QUOTED} characters), both with unprintable
   * characters escaped so that a binary file does not write raw bytes to the terminal.
   */
  public void failOnFirstBadLine() {
    List<Row> first = rejected().orderBy(FILE, LINE).takeAsList(1);
    if (!first.isEmpty()) {
      Row r = first.get(0);
      String line = r.isNullAt(2) ? "" : r.getString(2);
      String quoted = line.length() > QUOTED ? line.substring(0, QUOTED) + "…" : line;
      throw new IngestException(r.getString(0), r.getLong(1), printable(r.getString(3)) + "; the line: '" + printable(quoted) + "'");
    }
  }

  /** Characters of the offending line quoted in an error message. */
  static final int QUOTED = 120;

  /**
   * The text with control characters, DEL, the replacement character of undecodable bytes and
   * other non-printable code points written as \t, \n, \r or \\uXXXX.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      switch (c) {
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          int type = Character.getType(c);
          boolean hidden = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
              || type == Character.PRIVATE_USE || type == Character.SURROGATE || c == 0xFFFD;
          if (hidden) {
            out.append(String.format("\\u%04X", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.toString();
  }

  /** Throws when no line at all was read: an empty input is never a valid dataset. */
  public void failIfEmpty() {
    if (dataRows == 0) {
      throw new IngestException(String.join(", ", inputFiles), 0, "no interaction lines: the input is empty");
    }
  }
}
