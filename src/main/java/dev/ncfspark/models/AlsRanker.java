package dev.ncfspark.models;

import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark MLlib ALS for implicit feedback (Hu, Koren, Volinsky 2008): every training positive has
 * preference 1 and confidence 1 + alpha. Scores are the factor dot products; cold users/items
 * score NaN (ranked last by the evaluators).
 */
public final class AlsRanker implements PairScorer {
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

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    return model.setPredictionCol(SCORE).transform(pairs).withColumn(SCORE, org.apache.spark.sql.functions.col(SCORE).cast("double"));
  }
}
