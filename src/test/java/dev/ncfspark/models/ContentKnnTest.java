package dev.ncfspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** content-knn on hand-made vectors: rating-weighted profiles, cosine scores, NaN where a side has no vector, both scoring paths equal. */
class ContentKnnTest {
  private static final double SQRT2 = Math.sqrt(2);

  private static Dataset<Row> items(SparkSession spark) {
    StructType schema = new StructType().add(Columns.ITEM_IDX, DataTypes.IntegerType)
        .add("v", DataTypes.createArrayType(DataTypes.FloatType));
    return spark.createDataFrame(List.of(
        RowFactory.create(0, new float[] {2f, 0f}), // not unit: the model normalises
        RowFactory.create(1, new float[] {0f, 1f}),
        RowFactory.create(2, new float[] {1f, 1f}),
        RowFactory.create(3, null)), schema);
  }

  private static Dataset<Row> train(SparkSession spark) {
    StructType schema = new StructType().add(Columns.USER_IDX, DataTypes.IntegerType).add(Columns.ITEM_IDX, DataTypes.IntegerType)
        .add(Columns.RATING, DataTypes.DoubleType);
    return spark.createDataFrame(List.of(RowFactory.create(0, 0, 5.0), RowFactory.create(0, 1, 1.0), RowFactory.create(1, 1, 4.0),
        RowFactory.create(1, 3, 5.0)), schema);
  }

  @Test
  void aUserIsTheRatingWeightedMeanOfTheirItemsAndScoresAreCosines() {
    SparkSession spark = SparkTestSession.get();
    ContentKnn model = ContentKnn.fit(train(spark), items(spark), "v", 3, 4, ContentKnn.Weight.RATING, false);
    double[] u0 = scores(model, 0, 4);
    double norm = Math.sqrt(26); // profile 5 * (1, 0) + 1 * (0, 1)
    assertEquals(5 / norm, u0[0], 1e-6);
    assertEquals(1 / norm, u0[1], 1e-6);
    assertEquals(6 / SQRT2 / norm, u0[2], 1e-6);
    assertTrue(Double.isNaN(u0[3]), "an item without vector");
    double[] u1 = scores(model, 1, 4);
    assertEquals(1.0, u1[1], 1e-6, "item 3 has no vector: user 1 is item 1 alone");
    assertTrue(Double.isNaN(scores(model, 2, 4)[0]), "a user without training items");

    ContentKnn alike = ContentKnn.fit(train(spark), items(spark), "v", 3, 4, ContentKnn.Weight.ONE, false);
    assertEquals(1.0, scores(alike, 0, 4)[2], 1e-6, "unweighted, user 0 is (1, 1)");

    ContentKnn centred = ContentKnn.fit(train(spark), items(spark), "v", 3, 4, ContentKnn.Weight.CENTERED_RATING, false);
    double[] c0 = scores(centred, 0, 4); // ratings 5 and 1 around their mean 3: profile 2 * (1, 0) - 2 * (0, 1)
    assertEquals(1 / SQRT2, c0[0], 1e-6);
    assertEquals(-1 / SQRT2, c0[1], 1e-6);
    assertEquals(0.0, c0[2], 1e-6);
    assertEquals(-1.0, scores(centred, 1, 4)[1], 1e-6, "user 1 rated item 1 below its mean (4 against 4.5)");
  }

  @Test
  void centringRemovesTheCatalogueMeanBeforeTheCosines() {
    SparkSession spark = SparkTestSession.get();
    // items (2, 0), (0, 1), (1, 1) as unit vectors: mean (0.5690, 0.5690); centred: (0.4310, -0.5690) ...
    ContentKnn model = ContentKnn.fit(train(spark), items(spark), "v", 3, 4, ContentKnn.Weight.ONE, true);
    double m = (1 + 1 / SQRT2) / 3;
    double[] a = {1 - m, -m};
    double[] b = {-m, 1 - m};
    double[] c = {1 / SQRT2 - m, 1 / SQRT2 - m};
    double[] p = {a[0] / norm(a) + b[0] / norm(b), a[1] / norm(a) + b[1] / norm(b)}; // user 0: items 0 and 1 alike
    double expected = (p[0] * c[0] + p[1] * c[1]) / norm(p) / norm(c);
    assertEquals(expected, scores(model, 0, 4)[2], 1e-6);
  }

  private static double norm(double[] v) {
    return Math.sqrt(v[0] * v[0] + v[1] * v[1]);
  }

  @Test
  void pairScoresAreTheCatalogueScores() throws Exception {
    SparkSession spark = SparkTestSession.get();
    ContentKnn model = ContentKnn.fit(train(spark), items(spark), "v", 3, 4, ContentKnn.Weight.RATING, false);
    List<Row> pairs = new ArrayList<>();
    for (int u = 0; u < 3; u++) {
      for (int i = 0; i < 4; i++) {
        pairs.add(RowFactory.create(u, i));
      }
    }
    StructType schema = new StructType().add(Columns.USER_IDX, DataTypes.IntegerType).add(Columns.ITEM_IDX, DataTypes.IntegerType);
    List<Row> scored = model.score(spark.createDataFrame(pairs, schema).repartition(3)).collectAsList();
    assertEquals(12, scored.size());
    for (Row r : scored) {
      double expected = scores(model, r.getInt(0), 4)[r.getInt(1)];
      double actual = r.getDouble(r.fieldIndex(PairScorer.SCORE));
      assertTrue(Double.isNaN(expected) ? Double.isNaN(actual) : expected == actual, r.toString());
    }
  }

  @Test
  void vectorsOfDifferentLengthsAreAnError() {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add(Columns.ITEM_IDX, DataTypes.IntegerType)
        .add("v", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> ragged = spark.createDataFrame(List.of(RowFactory.create(0, new float[] {1f, 0f}), RowFactory.create(1, new float[] {1f})),
        schema);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ContentKnn.fit(train(spark), ragged.orderBy(Columns.ITEM_IDX), "v", 3, 2, ContentKnn.Weight.RATING, false));
    assertTrue(e.getMessage().contains("item_idx 1") && e.getMessage().contains("expected 2"), e.getMessage());
  }

  private static double[] scores(ContentKnn model, int user, int items) {
    double[] out = new double[items];
    try (CatalogueScorer.UserScores s = model.catalogueScores().open()) {
      s.scoreAll(user, out);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
