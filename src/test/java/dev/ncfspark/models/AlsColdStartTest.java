package dev.ncfspark.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Users or items ALS never saw in training: the implicit ranker gives them no score (NaN, which
 * the evaluators rank last), and the explicit predictor falls back to the training mean rating.
 */
class AlsColdStartTest {
  private static final StructType TRAIN = new StructType().add(Columns.USER_IDX, DataTypes.IntegerType)
      .add(Columns.ITEM_IDX, DataTypes.IntegerType).add(Columns.RATING, DataTypes.DoubleType);
  private static final StructType PAIRS = new StructType().add(Columns.USER_IDX, DataTypes.IntegerType)
      .add(Columns.ITEM_IDX, DataTypes.IntegerType);

  /** Users 0..5 rate items 0..5 (user u rates item i when u + i is even), ratings 1..5. */
  private static Dataset<Row> train(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 6; u++) {
      for (int i = 0; i < 6; i++) {
        if ((u + i) % 2 == 0) {
          rows.add(RowFactory.create(u, i, (double) (1 + (u + 2 * i) % 5)));
        }
      }
    }
    return spark.createDataFrame(rows, TRAIN);
  }

  /** (0, 2) known; (99, 2) a cold user; (0, 77) a cold item. */
  private static Dataset<Row> pairs(SparkSession spark) {
    return spark.createDataFrame(List.of(RowFactory.create(0, 2), RowFactory.create(99, 2), RowFactory.create(0, 77)), PAIRS);
  }

  private static Map<String, Double> byPair(Dataset<Row> scored, String column) {
    return scored.collectAsList().stream().collect(Collectors.toMap(
        r -> r.getInt(r.fieldIndex(Columns.USER_IDX)) + "," + r.getInt(r.fieldIndex(Columns.ITEM_IDX)),
        r -> r.isNullAt(r.fieldIndex(column)) ? Double.NaN : r.getDouble(r.fieldIndex(column))));
  }

  @Test
  void implicitAlsGivesColdUsersAndItemsNoScore() {
    SparkSession spark = SparkTestSession.get();
    Map<String, Double> s = byPair(AlsRanker.fit(train(spark), new AlsRanker.Params(2, 0.1, 1.0, 5), 7)
        .score(pairs(spark)), PairScorer.SCORE);
    assertFalse(Double.isNaN(s.get("0,2")), s.toString());
    assertTrue(Double.isNaN(s.get("99,2")) && Double.isNaN(s.get("0,77")), s.toString());
  }

  @Test
  void explicitAlsFallsBackToTheTrainingMean() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> train = train(spark);
    double mean = train.collectAsList().stream().mapToDouble(r -> r.getDouble(2)).average().orElseThrow();
    Map<String, Double> p = byPair(AlsRatingPredictor.fit(train, new AlsRatingPredictor.Params(2, 0.1, 5), 7)
        .predict(pairs(spark)), RatingPredictor.PREDICTION);
    assertEquals(mean, p.get("99,2"), 1e-12);
    assertEquals(mean, p.get("0,77"), 1e-12);
    assertFalse(Double.isNaN(p.get("0,2")));
    assertTrue(Math.abs(p.get("0,2") - mean) > 1e-6, "a known pair gets ALS's own prediction: " + p);
  }
}
