package dev.ncfspark.data.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.FeaturesConfig;
import dev.ncfspark.config.FeaturesConfig.ExternalModality;
import dev.ncfspark.data.Columns;
import dev.ncfspark.io.NpyWriter;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A modality's vectors from Parquet, CSV and a Ducho folder of .npy files: the same table, and errors that name the file and the item. */
class ExternalFeaturesTest {
  private static final Map<Long, float[]> VECTORS = new LinkedHashMap<>();

  static {
    VECTORS.put(1L, new float[] {0.5f, 1f, -1f});
    VECTORS.put(7L, new float[] {0f, 2f, 3.25f});
    VECTORS.put(42L, new float[] {1e-3f, -4f, 8f});
  }

  @TempDir
  Path dir;

  @Test
  void theThreeFormatsGiveTheSameVectors() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path parquet = dir.resolve("v.parquet");
    writeParquet(spark, parquet, VECTORS);
    Path csv = dir.resolve("v.csv");
    StringBuilder text = new StringBuilder("movie,f0,f1,f2\n");
    VECTORS.forEach((id, v) -> text.append(id).append(',').append(v[0]).append(',').append(v[1]).append(',').append(v[2]).append('\n'));
    Files.writeString(csv, text);
    Path folder = dir.resolve("ducho");
    writeNpyFolder(folder, VECTORS);
    for (ExternalModality m : List.of(
        new ExternalModality("v", parquet.toString(), FeaturesConfig.Format.PARQUET, "item", "vector", true),
        new ExternalModality("v", csv.toString(), FeaturesConfig.Format.CSV, "movie", "vector", true),
        new ExternalModality("v", folder.toString(), FeaturesConfig.Format.NPY_FOLDER, "item", "vector", true))) {
      ExternalFeatures.Vectors read = ExternalFeatures.read(spark, m);
      assertEquals(3, read.dimension(), m.format().toString());
      Map<Long, float[]> got = new LinkedHashMap<>();
      for (Row r : read.table().collectAsList()) {
        List<Float> v = r.getList(r.fieldIndex(ExternalFeatures.VECTOR));
        float[] a = new float[v.size()];
        for (int i = 0; i < a.length; i++) {
          a[i] = v.get(i);
        }
        got.put(r.getLong(r.fieldIndex(Columns.ITEM)), a);
      }
      assertEquals(VECTORS.keySet(), got.keySet(), m.format().toString());
      VECTORS.forEach((id, v) -> assertArrayEquals(v, got.get(id), m.format() + " item " + id));
      read.table().unpersist();
    }
    assertEquals(3, ExternalFeatures.files(spark, new ExternalModality("v", folder.toString(), FeaturesConfig.Format.NPY_FOLDER,
        "item", "vector", true)).size());
  }

  @Test
  void badVectorsNameTheFileAndTheItem() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Map<Long, float[]> ragged = new LinkedHashMap<>(VECTORS);
    ragged.put(99L, new float[] {1f, 2f});
    Path folder = dir.resolve("ragged");
    writeNpyFolder(folder, ragged);
    assertError(spark, new ExternalModality("visual", folder.toString(), FeaturesConfig.Format.NPY_FOLDER, "item", "vector", true),
        "99.npy: item 99 of modality 'visual' has 2 values, expected 3");

    Map<Long, float[]> nan = new LinkedHashMap<>(VECTORS);
    nan.put(5L, new float[] {1f, Float.NaN, 0f});
    Path parquet = dir.resolve("nan.parquet");
    writeParquet(spark, parquet, nan);
    assertError(spark, new ExternalModality("clip", parquet.toString(), FeaturesConfig.Format.PARQUET, "item", "vector", true),
        "item 5 of modality 'clip' has a NaN or infinite value");

    Path twice = dir.resolve("twice.csv");
    Files.writeString(twice, "item,a,b\n3,1,2\n4,1,2\n3,0,0\n");
    assertError(spark, new ExternalModality("t", twice.toString(), FeaturesConfig.Format.CSV, "item", "vector", true),
        "item 3 of modality 't' has 2 vectors, expected one");

    Path word = dir.resolve("word.csv");
    Files.writeString(word, "item,a,b\n3,1,2\n4,1,x\n");
    assertError(spark, new ExternalModality("w", word.toString(), FeaturesConfig.Format.CSV, "item", "vector", true),
        "item 4, column 'b' of modality 'w': 'x' is not a number");

    Path id = dir.resolve("id.csv");
    Files.writeString(id, "item,a\ntt0114709,1\n");
    assertError(spark, new ExternalModality("i", id.toString(), FeaturesConfig.Format.CSV, "item", "vector", true),
        "item id 'tt0114709' of modality 'i' is not an integer");

    assertError(spark, new ExternalModality("p", parquet.toString(), FeaturesConfig.Format.PARQUET, "movie", "vector", true),
        "modality 'p' has no column [movie]");
  }

  private static void assertError(SparkSession spark, ExternalModality m, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExternalFeatures.read(spark, m));
    assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(m.path().replace("file:", "")), e.getMessage());
  }

  static void writeParquet(SparkSession spark, Path path, Map<Long, float[]> vectors) {
    List<Row> rows = new ArrayList<>();
    vectors.forEach((id, v) -> rows.add(RowFactory.create(id, v)));
    StructType schema = new StructType().add("item", DataTypes.LongType).add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path.toString());
  }

  static void writeNpyFolder(Path folder, Map<Long, float[]> vectors) throws Exception {
    Files.createDirectories(folder);
    for (Map.Entry<Long, float[]> e : vectors.entrySet()) {
      try (OutputStream out = Files.newOutputStream(folder.resolve(e.getKey() + ".npy"))) {
        NpyWriter w = NpyWriter.float32(out, 1, e.getValue().length);
        w.writeRow(e.getValue());
        w.finish();
      }
    }
    Files.writeString(folder.resolve("_SUCCESS"), "", StandardCharsets.US_ASCII);
  }
}
