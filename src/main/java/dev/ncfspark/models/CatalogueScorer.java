package dev.ncfspark.models;

import java.io.Serializable;

/**
 * A ranking model that can score one user against the whole catalogue on an executor. Full
 * ranking then keeps a bounded top-K per user while it scores, instead of materialising a
 * users x items table of scored pairs (3.7 billion rows for ML-20M's test users).
 * {@link UserScores#scoreAll} must give exactly the scores {@link #score} gives the same pairs.
 */
public interface CatalogueScorer extends PairScorer {
  /** Opens the executor-side scorer, once per partition; the function is shipped to the executors. */
  Opener catalogueScores();

  /** Creates a {@link UserScores} on an executor. */
  @FunctionalInterface
  interface Opener extends Serializable {
    UserScores open() throws Exception;
  }

  /** Scores of every catalogue item for one user at a time; used by one task, then closed. */
  interface UserScores extends AutoCloseable {
    /**
     * Writes the score of item {@code i} for {@code user} into {@code out[i]} for every
     * {@code i < out.length}; NaN where the model cannot score the pair (a cold user or item).
     */
    void scoreAll(int user, double[] out);

    @Override
    default void close() {}
  }
}
