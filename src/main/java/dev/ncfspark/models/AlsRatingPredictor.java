package dev.ncfspark.models;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Spark MLlib ALS on explicit ratings, for RMSE/MAE. A cold user or item falls back to the
 * training mean rating (the ALS "nan" cold-start strategy, then filled).
 */
public final class AlsRatingPredictor implements RatingPredictor {
  private final ALSModel model;
  private final double fallback;

  private AlsRatingPredictor(ALSModel model, double fallback) {
    this.model = model;
    this.fallback = fallback;
  }

  /** Hyper-parameters of explicit ALS. */
  public record Params(int rank, double regParam, int maxIter) {}

  public static AlsRatingPredictor fit(Dataset<Row> train, Params p, long seed) {
    ALS als = new ALS()
        .setImplicitPrefs(false)
        .setRank(p.rank())
        .setRegParam(p.regParam())
        .setMaxIter(p.maxIter())
        .setUserCol(Columns.USER_IDX)
        .setItemCol(Columns.ITEM_IDX)
        .setRatingCol(Columns.RATING)
        .setColdStartStrategy("nan")
        .setSeed(seed);
    double mean = train.agg(org.apache.spark.sql.functions.avg(Columns.RATING)).first().getDouble(0);
    return new AlsRatingPredictor(als.fit(train), mean);
  }

  @Override
  public Dataset<Row> predict(Dataset<Row> pairs) {
    Dataset<Row> p = model.setPredictionCol("_als").transform(pairs);
    return p.withColumn(PREDICTION, org.apache.spark.sql.functions.when(
            col("_als").isNull().or(org.apache.spark.sql.functions.isnan(col("_als"))), fallback)
        .otherwise(col("_als").cast("double"))).drop("_als");
  }
}
