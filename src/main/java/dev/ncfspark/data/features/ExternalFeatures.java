package dev.ncfspark.data.features;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import dev.ncfspark.config.FeaturesConfig.ExternalModality;
import dev.ncfspark.data.Columns;
import dev.ncfspark.io.NpyReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One modality's item vectors from the file the configuration names (Parquet, CSV, or a Ducho-style
 * folder of {@code <item id>.npy} files), as (item, vector, file): original item ids, float arrays
 * all of one dimension. Bad content stops the job with the file and the item: an id that is not
 * an integer, a vector of another dimension, a NaN or infinite value, an item twice. A null or
 * empty vector is no vector (the item lacks the modality).
 */
public final class ExternalFeatures {
  public static final String VECTOR = "vector";
  public static final String FILE = "file";

  private ExternalFeatures() {}

  /** The validated vectors of {@code m}, cached (the caller unpersists), and their dimension. */
  public record Vectors(Dataset<Row> table, int dimension) {}

  public static Vectors read(SparkSession spark, ExternalModality m) {
    Dataset<Row> raw = switch (m.format()) {
      case PARQUET -> parquet(spark, m);
      case CSV -> csv(spark, m);
      case NPY_FOLDER -> npyFolder(spark, m);
    };
    Dataset<Row> vectors = raw.where(col(VECTOR).isNotNull().and(size(col(VECTOR)).gt(0))).cache();
    int dimension = check(vectors, m);
    return new Vectors(vectors, dimension);
  }

  private static Dataset<Row> parquet(SparkSession spark, ExternalModality m) {
    Dataset<Row> t = spark.read().parquet(m.path());
    requireColumns(t, m, m.idColumn(), m.vectorColumn());
    if (!(t.schema().apply(m.vectorColumn()).dataType() instanceof org.apache.spark.sql.types.ArrayType)) {
      throw new IllegalArgumentException(m.path() + ": column '" + m.vectorColumn() + "' of modality '" + m.name() + "' is "
          + t.schema().apply(m.vectorColumn()).dataType().simpleString() + ", expected an array of floats or doubles");
    }
    return withIds(t.select(col(m.idColumn()).as("_id"), col(m.vectorColumn()).cast("array<float>").as(VECTOR),
        input_file_name().as(FILE)), m);
  }

  /** A header, the id column, then one numeric column per dimension, in the header's order. */
  private static Dataset<Row> csv(SparkSession spark, ExternalModality m) {
    Dataset<Row> t = spark.read().option("header", true).csv(m.path());
    requireColumns(t, m, m.idColumn());
    List<String> dims = Arrays.stream(t.columns()).filter(c -> !c.equals(m.idColumn())).toList();
    if (dims.isEmpty()) {
      throw new IllegalArgumentException(m.path() + ": modality '" + m.name() + "' has no vector columns after '" + m.idColumn() + "'");
    }
    Column[] values = dims.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
    Dataset<Row> typed = t.select(col(m.idColumn()).as("_id"), array(values).as("_text"), input_file_name().as(FILE))
        .withColumn(VECTOR, col("_text").cast("array<float>"));
    // a value that is not a number casts to null: name it
    List<Row> bad = typed.where(exists(col(VECTOR), Column::isNull)).limit(1).collectAsList();
    if (!bad.isEmpty()) {
      Row r = bad.get(0);
      List<String> text = r.getList(r.fieldIndex("_text"));
      int at = 0;
      List<Float> parsed = r.getList(r.fieldIndex(VECTOR));
      while (at < parsed.size() && parsed.get(at) != null) {
        at++;
      }
      throw new IllegalArgumentException(r.getAs(FILE) + ": item " + r.getAs("_id") + ", column '" + dims.get(at) + "' of modality '"
          + m.name() + "': '" + text.get(at) + "' is not a number");
    }
    return withIds(typed.drop("_text"), m);
  }

  /** Ducho's layout: {@code <item id>.npy} per item; read on the executors, one file a record. */
  private static Dataset<Row> npyFolder(SparkSession spark, ExternalModality m) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String pattern = m.path().replaceAll("/+$", "") + "/*.npy";
    // the files are whole binary records: no Spark SQL source reads them
    JavaRDD<Row> rows = jsc.binaryFiles(pattern).map(f -> {
      String file = f._1();
      String base = file.substring(file.lastIndexOf('/') + 1);
      return RowFactory.create(base.substring(0, base.length() - ".npy".length()), NpyReader.vector(f._2().toArray(), file), file);
    });
    StructType schema = new StructType().add("_id", DataTypes.StringType).add(VECTOR, DataTypes.createArrayType(DataTypes.FloatType))
        .add(FILE, DataTypes.StringType);
    return withIds(spark.createDataFrame(rows, schema), m);
  }

  /** The ids as the canonical table's item ids (long); one that is not an integer is an error naming it. */
  private static Dataset<Row> withIds(Dataset<Row> t, ExternalModality m) {
    Dataset<Row> typed = t.withColumn(Columns.ITEM, col("_id").cast("long"));
    List<Row> bad = typed.where(col(Columns.ITEM).isNull()).limit(1).collectAsList();
    if (!bad.isEmpty()) {
      Row r = bad.get(0);
      throw new IllegalArgumentException(r.getAs(FILE) + ": item id '" + r.getAs("_id") + "' of modality '" + m.name()
          + "' is not an integer (the dataset's item ids)");
    }
    return typed.select(Columns.ITEM, VECTOR, FILE);
  }

  /** The modality's dimension (its first item's); errors for the other content checks. */
  private static int check(Dataset<Row> vectors, ExternalModality m) {
    List<Row> head = vectors.select(size(col(VECTOR))).limit(1).collectAsList();
    if (head.isEmpty()) {
      throw new IllegalArgumentException(m.path() + ": modality '" + m.name() + "' has no vectors");
    }
    int d = head.get(0).getInt(0);
    List<Row> wrong = vectors.where(size(col(VECTOR)).notEqual(d)).limit(1).collectAsList();
    if (!wrong.isEmpty()) {
      Row r = wrong.get(0);
      throw new IllegalArgumentException(r.getAs(FILE) + ": item " + r.getAs(Columns.ITEM) + " of modality '" + m.name() + "' has "
          + r.getList(r.fieldIndex(VECTOR)).size() + " values, expected " + d + " (the modality's dimension)");
    }
    List<Row> notFinite = vectors.where(exists(col(VECTOR), x -> isnan(x).or(abs(x).equalTo(lit(Double.POSITIVE_INFINITY)))))
        .limit(1).collectAsList();
    if (!notFinite.isEmpty()) {
      Row r = notFinite.get(0);
      throw new IllegalArgumentException(r.getAs(FILE) + ": item " + r.getAs(Columns.ITEM) + " of modality '" + m.name()
          + "' has a NaN or infinite value");
    }
    List<Row> twice = vectors.groupBy(Columns.ITEM).agg(count(lit(1)).as("_n"), first(col(FILE)).as(FILE)).where(col("_n").gt(1))
        .limit(1).collectAsList();
    if (!twice.isEmpty()) {
      Row r = twice.get(0);
      throw new IllegalArgumentException(r.getAs(FILE) + ": item " + r.getAs(Columns.ITEM) + " of modality '" + m.name() + "' has "
          + r.getAs("_n") + " vectors, expected one");
    }
    return d;
  }

  /**
   * The data files of {@code m} (its file, or the files under its folder but Spark's markers and
   * hidden files), sorted: the run's inputs, checksummed into every stage's fingerprint.
   */
  public static List<String> files(SparkSession spark, ExternalModality m) {
    try {
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(m.path());
      org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<String> out = new ArrayList<>();
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        org.apache.hadoop.fs.Path f = it.next().getPath();
        String name = f.getName();
        if (!name.startsWith("_") && !name.startsWith(".")) {
          out.add(f.toString());
        }
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(m.path() + ": modality '" + m.name() + "' has no files");
      }
      java.util.Collections.sort(out);
      return out;
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException(m.path() + ": the file of modality '" + m.name() + "' (features.external) does not exist", e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + m.path(), e);
    }
  }

  private static void requireColumns(Dataset<Row> t, ExternalModality m, String... columns) {
    List<String> missing = new ArrayList<>();
    for (String c : columns) {
      if (!Arrays.asList(t.columns()).contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(m.path() + ": modality '" + m.name() + "' has no column " + missing + " (columns: "
          + Arrays.toString(t.columns()) + ")");
    }
  }
}
