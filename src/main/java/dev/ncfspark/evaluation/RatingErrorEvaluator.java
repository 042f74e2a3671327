package dev.ncfspark.evaluation;

import dev.ncfspark.models.RatingPredictor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rating error on held-out rows: RMSE and MAE over all test interactions (metric, cutoff = null, value, users). */
public final class RatingErrorEvaluator {
  public static final String RMSE = "RMSE";
  public static final String MAE = "MAE";

  private RatingErrorEvaluator() {}

  public static Dataset<Row> evaluate(RatingPredictor model, Dataset<Row> test) {
    return model.predict(test.select("user_idx", "item_idx", "rating"))
        .selectExpr("sqrt(avg(pow(prediction - rating, 2))) as rmse", "avg(abs(prediction - rating)) as mae",
            "count(distinct user_idx) as users")
        .selectExpr("stack(2, '" + RMSE + "', rmse, '" + MAE + "', mae) as (metric, value)", "users")
        .selectExpr("metric", "cast(null as int) as cutoff", "value", "users");
  }
}
