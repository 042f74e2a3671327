package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads one text file (plain or compressed) as (line, value) rows with 1-based line numbers, so
 * that every parse error and every rejected row can name its line. Spark SQL has no line number
 * for text sources: one counting pass gives the number of lines in each input partition (a file
 * is split into partitions in file order), and a line's number is its partition's offset plus its
 * position in the partition (from monotonically_increasing_id, whose low 33 bits are exactly
 * that). Everything stays in Spark SQL: no RDD round trip through Java Row objects.
 */
final class LineNumberedText {
  static final String LINE = "line";
  static final String VALUE = "value";

  private LineNumberedText() {}

  static Dataset<Row> read(SparkSession spark, String file) {
    List<Row> counts = spark.read().text(file).groupBy(spark_partition_id().as("_pid")).count().orderBy("_pid").collectAsList();
    StringBuilder offsets = new StringBuilder("array(0L");
    long running = 0;
    int expected = 0;
    for (Row r : counts) {
      // partitions without lines are absent from the counts: they add nothing to the offsets
      while (expected < r.getInt(0)) {
        offsets.append(", ").append(running).append('L');
        expected++;
      }
      running += r.getLong(1);
      offsets.append(", ").append(running).append('L');
      expected++;
    }
    offsets.append(')');
    return spark.read().text(file)
        .select(col(VALUE), spark_partition_id().as("_pid"), monotonically_increasing_id().as("_mid"))
        .select(expr("element_at(" + offsets + ", _pid + 1) + (_mid - shiftleft(cast(_pid as bigint), 33)) + 1").as(LINE), col(VALUE));
  }

  /** The first line, or null for an empty file. */
  static String firstLine(SparkSession spark, String file) {
    List<Row> head = spark.read().text(file).takeAsList(1);
    return head.isEmpty() ? null : head.get(0).getString(0);
  }
}
