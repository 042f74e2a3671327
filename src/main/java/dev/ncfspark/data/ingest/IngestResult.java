package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What ingest read: every parsed line (canonical columns plus file, line, content and a reason
 * when it did not parse), optional item and user metadata, and the input files (for checksums).
 */
public record IngestResult(Dataset<Row> parsed, Optional<Dataset<Row>> items, Optional<Dataset<Row>> users, List<String> inputFiles) {
  public static final String FILE = "file";
  public static final String LINE = "line";
  public static final String CONTENT = "content";
  static final Column[] PARSED_COLUMNS = {
      col(Columns.USER), col(Columns.ITEM), col(Columns.RATING), col(Columns.TIMESTAMP),
      col(FILE), col(LINE), col(CONTENT), col(Columns.REASON)};

  /** The canonical interactions: user, item, rating (double), timestamp (Unix seconds). */
  public Dataset<Row> interactions() {
    return parsed.where(col(Columns.REASON).isNull()).select(Columns.USER, Columns.ITEM, Columns.RATING, Columns.TIMESTAMP);
  }

  /** Lines that did not parse: file, line, content, reason. */
  public Dataset<Row> rejected() {
    return parsed.where(col(Columns.REASON).isNotNull()).select(FILE, LINE, CONTENT, Columns.REASON);
  }

  /** Throws an {@link IngestException} for the first bad line (by file, then line), if any. */
  public void failOnFirstBadLine() {
    List<Row> first = rejected().orderBy(FILE, LINE).takeAsList(1);
    if (!first.isEmpty()) {
      Row r = first.get(0);
      throw new IngestException(r.getString(0), r.getLong(1), r.getString(3));
    }
  }

  /** Throws when no line at all was read: an empty input is never a valid dataset. */
  public void failIfEmpty() {
    if (parsed.isEmpty()) {
      throw new IngestException(String.join(", ", inputFiles), 0, "no interaction lines: the input is empty");
    }
  }
}
