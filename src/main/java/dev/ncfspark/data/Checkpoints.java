package dev.ncfspark.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Intermediate tables of iterative steps (core-k rounds, sampling rounds) written as Parquet into
 * one folder and read back: each round starts from a short plan instead of a plan as deep as the
 * rounds so far. Parquet rather than Spark's checkpoints: a checkpoint is read back through an RDD
 * of rows, which the RAPIDS Accelerator cannot run on the GPU, and a local checkpoint lives in
 * executor memory (lost with an executor, and a heap the size of the table). In the pipeline the
 * folder is inside the stage's own output folder (the same filesystem as the run: S3, HDFS or
 * local), deleted when the stage ends.
 */
public final class Checkpoints implements AutoCloseable {
  private final SparkSession spark;
  private final String folder;

  private Checkpoints(SparkSession spark, String folder) {
    this.spark = spark;
    this.folder = folder.replaceAll("/+$", "");
  }

  /** Checkpoints under {@code folder} (any Hadoop filesystem URI or path). */
  public static Checkpoints in(SparkSession spark, String folder) {
    return new Checkpoints(spark, folder);
  }

  /** Checkpoints in a new local temporary folder, deleted when the JVM exits at the latest (tests, benchmarks). */
  public static Checkpoints temporary(SparkSession spark) {
    try {
      String folder = Files.createTempDirectory("ncf-spark-checkpoints").toUri().toString();
      Path p = new Path(folder);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).deleteOnExit(p);
      return new Checkpoints(spark, folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary checkpoint folder", e);
    }
  }

  /** Writes {@code table} as {@code name} (replacing an earlier one) and returns it read back. */
  public Dataset<Row> cut(Dataset<Row> table, String name) {
    String path = folder + "/" + name;
    table.write().mode(SaveMode.Overwrite).parquet(path);
    return spark.read().parquet(path);
  }

  /** Deletes the checkpoint {@code name} (nothing reads it any more). */
  public void delete(String name) {
    deletePath(new Path(folder + "/" + name));
  }

  /** Deletes every checkpoint: call once nothing reads them any more. */
  @Override
  public void close() {
    deletePath(new Path(folder));
  }

  private void deletePath(Path p) {
    try {
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the checkpoint " + p, e);
    }
  }
}
