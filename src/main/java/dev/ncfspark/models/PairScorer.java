package dev.ncfspark.models;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A fitted ranking model: adds a {@code score} column (higher = more relevant) to any Dataset of
 * (user_idx, item_idx) pairs, on the executors. Every model is evaluated through this one
 * interface, so they all see the same candidates. A pair the model cannot score (a cold user or
 * item) gets null or NaN; evaluators rank such pairs last.
 */
public interface PairScorer {
  String SCORE = "score";

  Dataset<Row> score(Dataset<Row> pairs);
}
