package dev.ncfspark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The one local[2] SparkSession of the whole test suite, and the location of the shared MovieLens files. */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("ncf-spark-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.warehouse.dir", "target/spark-warehouse")
          // as every profile in conf/ runs the job: what executors ship goes through Kryo
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          .config("spark.kryo.registrator", "dev.ncfspark.io.NdArrayKryoRegistrator")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
    }
    return spark;
  }

  /** {@code ../shared/data/<relative>} (the real MovieLens files; never copied into the repository). */
  public static Path sharedData(String relative) {
    Path base = Path.of(System.getProperty("ncf.sharedData", "../shared/data"));
    Path p = base.resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException("shared data file missing: " + p.toAbsolutePath());
    }
    return p;
  }
}
