package dev.ncfspark.models;

import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark MLlib ALS for implicit feedback (Hu, Koren, Volinsky 2008): every training positive has
 * preference 1 and confidence 1 + alpha. Scores are the factor dot products; cold users/items
 * score NaN (ranked last by the evaluators).
 */
public final class AlsRanker implements CatalogueScorer {
  private final ALSModel model;

  private AlsRanker(ALSModel model) {
    this.model = model;
  }

  /** Hyper-parameters of implicit ALS. */
  public record Params(int rank, double regParam, double alpha, int maxIter) {}

  public static AlsRanker fit(Dataset<Row> train, Params p, long seed) {
    ALS als = new ALS()
        .setImplicitPrefs(true)
        .setRank(p.rank())
        .setRegParam(p.regParam())
        .setAlpha(p.alpha())
        .setMaxIter(p.maxIter())
        .setUserCol(Columns.USER_IDX)
        .setItemCol(Columns.ITEM_IDX)
        .setRatingCol("_preference")
        .setColdStartStrategy("nan")
        .setSeed(seed);
    return new AlsRanker(als.fit(train.select(Columns.USER_IDX, Columns.ITEM_IDX).withColumn("_preference", lit(1.0f))));
  }

  /**
   * Both factor tables broadcast as arrays indexed by id; a score is the same float dot product,
   * in the same order, as ALSModel's prediction, so the two paths rank identically.
   */
  @Override
  public Opener catalogueScores() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(model.userFactors().sparkSession().sparkContext());
    Broadcast<float[][]> users = jsc.broadcast(byId(model.userFactors()));
    Broadcast<float[][]> items = jsc.broadcast(byId(model.itemFactors()));
    return () -> (user, out) -> {
      float[][] u = users.value();
      float[][] v = items.value();
      float[] a = user >= 0 && user < u.length ? u[user] : null;
      for (int i = 0; i < out.length; i++) {
        float[] b = i < v.length ? v[i] : null;
        out[i] = a == null || b == null ? Double.NaN : dot(a, b);
      }
    };
  }

  private static float dot(float[] a, float[] b) {
    float dot = 0.0f;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  /** A factor table (id, features) as rows indexed by id; null where an id has no factors. */
  private static float[][] byId(Dataset<Row> factors) {
    List<Row> rows = factors.collectAsList();
    int size = rows.stream().mapToInt(r -> r.getInt(0) + 1).max().orElse(0);
    float[][] table = new float[size][];
    for (Row r : rows) {
      List<Float> f = r.getList(1);
      float[] x = new float[f.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = f.get(i);
      }
      table[r.getInt(0)] = x;
    }
    return table;
  }

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    return model.setPredictionCol(SCORE).transform(pairs).withColumn(SCORE, org.apache.spark.sql.functions.col(SCORE).cast("double"));
  }
}
