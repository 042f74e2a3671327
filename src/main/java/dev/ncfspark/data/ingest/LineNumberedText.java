package dev.ncfspark.data.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads one text file (plain or compressed) as (line, value) rows with 1-based line numbers, so
 * that every parse error and every rejected row can name its line. Spark SQL has no line number
 * for text sources: one counting pass gives the number of lines in each input partition (a file
 * is split into partitions in file order), and a line's number is its partition's offset plus its
 * position in the partition (from monotonically_increasing_id, whose low 33 bits are exactly
 * that). Everything stays in Spark SQL: no RDD round trip through Java Row objects. The RAPIDS
 * Accelerator has no text source, so ingest reads a file this way only to report the lines it
 * rejected (see {@link DelimitedInteractionParser}).
 */
final class LineNumberedText {
  static final String LINE = "line";
  static final String VALUE = "value";

  private LineNumberedText() {}

  /** The lines of {@code file} numbered (the counting pass runs now). */
  static Dataset<Row> read(SparkSession spark, String file) {
    List<Row> counts = spark.read().text(file).groupBy(spark_partition_id().as("_pid")).agg(count(lit(1)))
        .orderBy("_pid").collectAsList();
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

  /**
   * The first line, or null for an empty file: read straight from the filesystem (decompressed
   * like Spark's text source does, by the file's extension), not by a Spark job.
   */
  static String firstLine(SparkSession spark, String file) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(file);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    try (InputStream raw = path.getFileSystem(conf).open(path);
        InputStream in = codec == null ? raw : codec.createInputStream(raw);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the first line of " + file, e);
    }
  }
}
