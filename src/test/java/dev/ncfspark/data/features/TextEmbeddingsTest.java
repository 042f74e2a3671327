package dev.ncfspark.data.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The in-process sentence transformer: unit vectors of 384 floats, nearer for nearer texts, the same on any partitioning. */
class TextEmbeddingsTest {
  private static final String TOY_STORY = "Toy Story. Genres: Adventure, Animation, Children, Comedy, Fantasy";
  private static final String TOY_STORY_2 = "Toy Story 2. Genres: Adventure, Animation, Children, Comedy, Fantasy";
  private static final String SCHINDLER = "Schindler's List. Genres: Drama, War";

  @Test
  void unitVectorsNearerForNearerTexts() {
    List<float[]> v = TextEmbeddings.embed(Arrays.asList(TOY_STORY, TOY_STORY_2, SCHINDLER, " ", null));
    assertEquals(5, v.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(TextEmbeddings.DIMENSIONS, v.get(i).length);
      assertEquals(1.0, dot(v.get(i), v.get(i)), 1e-5);
    }
    assertNull(v.get(3), "a blank text has no embedding");
    assertNull(v.get(4));
    double sequel = dot(v.get(0), v.get(1));
    double other = dot(v.get(0), v.get(2));
    assertTrue(sequel > 0.8 && sequel > other + 0.2, "cosine to its sequel " + sequel + ", to an unrelated drama " + other);
  }

  @Test
  void aTableGetsTheSameEmbeddingsWhateverItsPartitions() {
    List<String> texts = List.of(TOY_STORY, TOY_STORY_2, SCHINDLER, "Heat. Genres: Action, Crime, Thriller", "", "Casino");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create(i, texts.get(i)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType);
    Dataset<Row> table = SparkTestSession.get().createDataFrame(rows, schema);
    List<float[]> direct = TextEmbeddings.embed(texts);
    for (int partitions : new int[] {1, 4}) {
      Map<Integer, Row> out = new HashMap<>();
      for (Row r : TextEmbeddings.withEmbedding(table.repartition(partitions), "text", "emb", 2).collectAsList()) {
        out.put(r.getInt(0), r);
      }
      assertEquals(texts.size(), out.size());
      for (int i = 0; i < texts.size(); i++) {
        Row r = out.get(i);
        assertEquals(texts.get(i), r.getString(1), "the row's own columns are kept");
        if (direct.get(i) == null) {
          assertTrue(r.isNullAt(2), "no embedding for a blank text");
        } else {
          List<Float> e = r.getList(2);
          float[] actual = new float[e.size()];
          for (int k = 0; k < actual.length; k++) {
            actual[k] = e.get(k);
          }
          assertArrayEquals(direct.get(i), actual, "text " + i + " on " + partitions + " partitions");
        }
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
