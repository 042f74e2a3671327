package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * The items: sparse increasing movieIds, a home taste cluster, a heavy-tailed popularity weight,
 * a rating bias and a latent factor vector each. Item {@code i} (0-based) is the {@code i}-th
 * movieId in increasing order; popularity is independent of the movieId.
 *
 * <p>Popularity is log-normal with its upper tail compressed: its rank-frequency curve is
 * Zipf-like in the head and falls steeply in the tail, like ML-20M's (a few items rated by a
 * third of the users, thousands with fewer than 5 ratings).
 */
final class Catalogue {
  /** Log-scale spread of item popularity. */
  static final double POPULARITY_SIGMA = 3.4;
  /** Above this z-score popularity grows at {@link #HEAD_SLOPE} of the rate (fewer monster hits). */
  static final double HEAD_KNEE = 1.8;
  static final double HEAD_SLOPE = 0.55;
  /** Below this z-score popularity falls at {@link #TAIL_SLOPE} of the rate (few unrated items). */
  static final double TAIL_KNEE = -0.7;
  static final double TAIL_SLOPE = 0.3;
  /** Probability that the next movieId directly follows the previous one. */
  static final double DENSE_ID_PROBABILITY = 0.7;
  /** Mean size of the gaps between movieIds otherwise. */
  static final double MEAN_ID_GAP = 12;
  /** Spread of an item's factors around its cluster centroid. */
  static final double ITEM_SPREAD = 0.5;
  /** Item rating bias: independent spread plus a lift for popular items (as in ML). */
  static final double BIAS_SIGMA = 0.3;
  static final double BIAS_PER_POPULARITY_Z = 0.12;

  final int size;
  final int[] movieIds;
  final int[] clusters;
  final double[] popularity;
  final float[] bias;
  /** Row-major {@code size x LatentSpace.DIMENSIONS}. */
  final float[] factors;

  private Catalogue(int size) {
    this.size = size;
    movieIds = new int[size];
    clusters = new int[size];
    popularity = new double[size];
    bias = new float[size];
    factors = new float[size * LatentSpace.DIMENSIONS];
  }

  /** Draws a catalogue of {@code items} items in {@code latent}'s clusters. */
  static Catalogue build(int items, LatentSpace latent, SplittableRandom rng) {
    Catalogue c = new Catalogue(items);
    c.assignMovieIds(rng);
    c.assignClusters(rng);
    c.assignPopularityAndBias(rng);
    c.assignFactors(latent, rng);
    return c;
  }

  private void assignMovieIds(SplittableRandom rng) {
    int id = 1;
    for (int i = 0; i < size; i++) {
      movieIds[i] = id;
      id += rng.nextDouble() < DENSE_ID_PROBABILITY
          ? 1
          : 2 + (int) (-Math.log(1.0 - rng.nextDouble()) * MEAN_ID_GAP);
    }
  }

  /** Balanced clusters: a random permutation of the items dealt round-robin. */
  private void assignClusters(SplittableRandom rng) {
    int[] perm = new int[size];
    for (int i = 0; i < size; i++) {
      int j = rng.nextInt(i + 1);
      perm[i] = perm[j];
      perm[j] = i;
    }
    for (int i = 0; i < size; i++) {
      clusters[perm[i]] = i % LatentSpace.CLUSTERS;
    }
  }

  /**
   * Popularity from a bent normal z-score; the rating bias gets a lift for popular items, centred
   * on the popularity-weighted mean so the overall mean rating does not depend on the scale.
   */
  private void assignPopularityAndBias(SplittableRandom rng) {
    double[] lift = new double[size];
    double weightedLift = 0;
    double totalWeight = 0;
    for (int i = 0; i < size; i++) {
      double z = rng.nextGaussian();
      double bent = z > HEAD_KNEE ? HEAD_KNEE + HEAD_SLOPE * (z - HEAD_KNEE)
          : z < TAIL_KNEE ? TAIL_KNEE + TAIL_SLOPE * (z - TAIL_KNEE) : z;
      popularity[i] = Math.exp(POPULARITY_SIGMA * bent);
      lift[i] = BIAS_PER_POPULARITY_Z * bent;
      bias[i] = (float) (BIAS_SIGMA * rng.nextGaussian());
      weightedLift += popularity[i] * lift[i];
      totalWeight += popularity[i];
    }
    double centre = weightedLift / totalWeight;
    for (int i = 0; i < size; i++) {
      bias[i] += (float) (lift[i] - centre);
    }
  }

  private void assignFactors(LatentSpace latent, SplittableRandom rng) {
    double spread = ITEM_SPREAD / Math.sqrt(LatentSpace.DIMENSIONS);
    for (int i = 0; i < size; i++) {
      for (int d = 0; d < LatentSpace.DIMENSIONS; d++) {
        factors[i * LatentSpace.DIMENSIONS + d] =
            (float) (latent.centroid(clusters[i], d) + spread * rng.nextGaussian());
      }
    }
  }
}
