package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Row, user and item counts of a table in one aggregation, and row counts by a column's value. */
final class TableStats {
  private TableStats() {}

  static StageStats of(Dataset<Row> table, String userColumn, String itemColumn, Map<String, Object> details) {
    Row r = table.agg(count(lit(1)), countDistinct(col(userColumn)), countDistinct(col(itemColumn))).first();
    return new StageStats(r.getLong(0), r.getLong(1), r.getLong(2), 0, details);
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
