package dev.ncfspark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The preparation written the way a user writes it in a notebook, with Spark SQL alone: the
 * baseline {@code make bench-prepare} times each of the project's stages against, on the same
 * input with the same settings (core-k, leave-one-out, evaluation negatives per held-out user,
 * training negatives per positive). A CSV reader with a schema; core-k by group-by counts and
 * semi-joins, written to Parquet each round until nothing changes; dense ids by {@code
 * row_number}; leave-one-out by {@code row_number} over the timestamp, latest first; negatives by
 * oversampled hashed item ids and an anti-join with the user's positives. None of the project's
 * guarantees: no line-numbered errors, no rejected rows, no redraws to exact counts, ties broken
 * by item id.
 */
final class PlainSparkSqlPreparation {
  /** One stage of the baseline: its output rows and seconds (writing its Parquet output included). */
  record Stage(String name, long rows, double seconds) {}

  private final SparkSession spark;
  private final String dir;
  /** Where the filter stage's fixpoint is (its last round's output). */
  private String filtered;

  PlainSparkSqlPreparation(SparkSession spark, String dir) {
    this.spark = spark;
    this.dir = dir;
  }

  /** Every stage in order, each reading the previous one's Parquet output. */
  List<Stage> run(String ratingsCsv, int k, int evalNegatives, int trainNegativesPerPositive, long seed) {
    List<Stage> stages = new ArrayList<>();
    stages.add(ingest(ratingsCsv));
    stages.add(filter(k));
    stages.add(index());
    stages.add(split());
    stages.add(negatives(evalNegatives, trainNegativesPerPositive, seed));
    return stages;
  }

  private Stage ingest(String csv) {
    long t0 = System.nanoTime();
    write(spark.read().option("header", "true").schema("userId INT, movieId INT, rating DOUBLE, timestamp LONG").csv(csv)
        .select(col("userId").as("user"), col("movieId").as("item"), col("rating"), col("timestamp")), "ingest");
    return new Stage("ingest", read("ingest").count(), seconds(t0));
  }

  private Stage filter(int k) {
    long t0 = System.nanoTime();
    Dataset<Row> current = read("ingest");
    long rows = current.count();
    for (int round = 1; ; round++) {
      Dataset<Row> users = current.groupBy("user").agg(count(lit(1)).as("n")).where(col("n").geq(k)).select("user");
      Dataset<Row> items = current.groupBy("item").agg(count(lit(1)).as("n")).where(col("n").geq(k)).select("item");
      String path = "filter/round=" + round;
      write(current.join(users, new String[] {"user"}, "left_semi").join(items, new String[] {"item"}, "left_semi"), path);
      current = read(path);
      long kept = current.count();
      if (kept == rows) {
        filtered = path;
        return new Stage("filter", kept, seconds(t0));
      }
      rows = kept;
    }
  }

  private Stage index() {
    long t0 = System.nanoTime();
    Dataset<Row> interactions = read(filtered);
    write(interactions.select("user").distinct().withColumn("user_idx", row_number().over(Window.orderBy("user")).minus(1)), "index/users");
    write(interactions.select("item").distinct().withColumn("item_idx", row_number().over(Window.orderBy("item")).minus(1)), "index/items");
    return new Stage("index", read("index/users").count() + read("index/items").count(), seconds(t0));
  }

  private Stage split() {
    long t0 = System.nanoTime();
    Dataset<Row> rank = read(filtered).join(read("index/users"), "user").join(read("index/items"), "item")
        .withColumn("rank", row_number().over(Window.partitionBy("user").orderBy(col("timestamp").desc(), col("item"))));
    rank.withColumn("split", when(col("rank").equalTo(1), "test").when(col("rank").equalTo(2), "validation").otherwise("train"))
        .drop("rank").write().mode(SaveMode.Overwrite).partitionBy("split").parquet(path("split"));
    return new Stage("split", read("split").count(), seconds(t0));
  }

  private Stage negatives(int evalNegatives, int perPositive, long seed) {
    long t0 = System.nanoTime();
    Dataset<Row> split = read("split");
    long numItems = read("index/items").count();
    Dataset<Row> positives = split.select("user_idx", "item_idx");
    // evaluation: oversample (a user's positives are a small share of the catalogue), drop positives and repeats, keep the first
    int drawn = evalNegatives + evalNegatives / 2 + 10;
    Dataset<Row> eval = split.where(col("split").notEqual("train")).select("user_idx", "split")
        .withColumn("draw", explode(sequence(lit(0), lit(drawn - 1))))
        .withColumn("item_idx", pmod(xxhash64(col("user_idx"), col("split"), col("draw"), lit(seed)), lit(numItems)).cast("int"))
        .join(positives, new String[] {"user_idx", "item_idx"}, "left_anti")
        .dropDuplicates("user_idx", "split", "item_idx")
        .withColumn("n", row_number().over(Window.partitionBy("user_idx", "split").orderBy("draw")))
        .where(col("n").leq(evalNegatives)).drop("n", "draw");
    write(eval, "negatives/eval");
    // training: perPositive hashed items per train positive, positives dropped (no redraw)
    Dataset<Row> train = split.where(col("split").equalTo("train")).select("user_idx", "item_idx")
        .withColumn("draw", explode(sequence(lit(1), lit(perPositive))))
        .withColumn("item_idx", pmod(xxhash64(col("user_idx"), col("item_idx"), col("draw"), lit(seed)), lit(numItems)).cast("int"))
        .drop("draw")
        .join(positives, new String[] {"user_idx", "item_idx"}, "left_anti");
    write(train, "negatives/train");
    return new Stage("negatives", read("negatives/eval").count() + read("negatives/train").count(), seconds(t0));
  }

  private void write(Dataset<Row> table, String relative) {
    table.write().mode(SaveMode.Overwrite).parquet(path(relative));
  }

  private Dataset<Row> read(String relative) {
    return spark.read().parquet(path(relative));
  }

  private String path(String relative) {
    return dir + "/" + relative;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
