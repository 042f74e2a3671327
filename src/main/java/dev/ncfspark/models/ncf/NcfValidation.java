package dev.ncfspark.models.ncf;

import dev.ncfspark.models.PairScorer;

/**
 * How the trainer scores a model on the validation split after every epoch (HR@K and NDCG@K of
 * the sampled protocol), supplied by the caller so that training does not depend on the
 * evaluation package.
 */
@FunctionalInterface
public interface NcfValidation {
  /** HR@K and NDCG@K of a model; NaN where there is nothing to measure. */
  record Scores(double hr, double ndcg) {}

  Scores evaluate(PairScorer scorer);
}
