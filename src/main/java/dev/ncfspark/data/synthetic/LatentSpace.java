package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * The hidden taste space: {@link #CLUSTERS} taste clusters, each with a centroid in a {@link
 * #DIMENSIONS}-dimensional factor space. Items sit near their cluster's centroid and users lean
 * towards the centroids of the clusters they prefer, so both which items a user rates and how
 * she rates them follow a low-rank structure that collaborative filtering can recover.
 */
final class LatentSpace {
  static final int CLUSTERS = 20;
  static final int DIMENSIONS = 8;

  private final float[] centroids = new float[CLUSTERS * DIMENSIONS];

  LatentSpace(SplittableRandom rng) {
    double scale = 1.0 / Math.sqrt(DIMENSIONS);
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = (float) (scale * rng.nextGaussian());
    }
  }

  /** Component {@code d} of cluster {@code c}'s centroid (norm about 1). */
  float centroid(int c, int d) {
    return centroids[c * DIMENSIONS + d];
  }

  /** Dot product of a user vector and row {@code item} of a packed item-factor matrix. */
  static double dot(float[] user, float[] itemFactors, int item) {
    int base = item * DIMENSIONS;
    double s = 0;
    for (int d = 0; d < DIMENSIONS; d++) {
      s += user[d] * itemFactors[base + d];
    }
    return s;
  }
}
