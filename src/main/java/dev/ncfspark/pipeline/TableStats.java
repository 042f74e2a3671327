package dev.ncfspark.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Row, user and item counts of a table, and row counts by a column's value. */
final class TableStats {
  private TableStats() {}

  /** Three cheap passes over two Parquet columns; one aggregation with two distinct counts would expand every row twice. */
  static StageStats of(Dataset<Row> table, String userColumn, String itemColumn, Map<String, Object> details) {
    long rows = table.count();
    long users = table.select(userColumn).distinct().count();
    long items = table.select(itemColumn).distinct().count();
    return new StageStats(rows, users, items, 0, details);
  }

  /** Rows per value of {@code column} (for example rejected rows per reason), sorted by value. */
  static Map<String, Object> countsBy(Dataset<Row> table, String column) {
    Map<String, Object> counts = new LinkedHashMap<>();
    List<Row> rows = table.groupBy(column).count().orderBy(column).collectAsList();
    for (Row r : rows) {
      counts.put(String.valueOf(r.get(0)), r.getLong(1));
    }
    return counts;
  }
}
