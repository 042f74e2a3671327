package dev.ncfspark.models;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A fitted rating model: adds a {@code prediction} column (a rating) to (user_idx, item_idx) pairs. */
public interface RatingPredictor {
  String PREDICTION = "prediction";

  Dataset<Row> predict(Dataset<Row> pairs);
}
