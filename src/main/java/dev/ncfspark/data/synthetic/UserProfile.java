package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * One user's hidden tastes: a preference mixture over the taste clusters ({@link
 * #FAVOURITE_MASS} on one to three favourites, the rest in proportion to the clusters' total
 * popularity), a latent factor vector that leans towards those favourites (users like what
 * they choose to watch), a rating bias, and whether she uses half stars.
 */
final class UserProfile {
  static final int MAX_FAVOURITES = 3;
  /** Share of a user's choices that go to her favourite clusters; the rest follows popularity. */
  static final double FAVOURITE_MASS = 0.65;
  /** How strongly the user's factors align with her favourite clusters' centroids. */
  static final double ALIGNMENT = 0.6;
  /** Idiosyncratic spread of the user's factors. */
  static final double FACTOR_SPREAD = 1.0;
  static final double BIAS_SIGMA = 0.4;
  /** Fraction of users who use half stars; the others rate in whole stars (as many ML users). */
  static final double HALF_STAR_USERS = 0.55;

  /** Cluster preference, sums to 1, every cluster positive. */
  final double[] mixture = new double[LatentSpace.CLUSTERS];
  final float[] factors = new float[LatentSpace.DIMENSIONS];
  final double bias;
  final boolean halfStars;

  UserProfile(SplittableRandom rng, LatentSpace latent, ClusterIndex clusters) {
    int k = LatentSpace.CLUSTERS;
    double[] share = new double[k];
    int favourites = 1 + rng.nextInt(MAX_FAVOURITES);
    double shareSum = 0;
    for (int f = 0; f < favourites; f++) {
      int c = drawNewCluster(rng, clusters.massShare, share);
      share[c] = -Math.log(1.0 - rng.nextDouble()) + 1e-9;
      shareSum += share[c];
    }
    for (int c = 0; c < k; c++) {
      share[c] /= shareSum;
      mixture[c] = (1 - FAVOURITE_MASS) * clusters.massShare[c] + FAVOURITE_MASS * share[c];
    }
    double spread = FACTOR_SPREAD / Math.sqrt(LatentSpace.DIMENSIONS);
    for (int d = 0; d < LatentSpace.DIMENSIONS; d++) {
      double lean = 0;
      for (int c = 0; c < k; c++) {
        if (share[c] > 0) {
          lean += share[c] * latent.centroid(c, d);
        }
      }
      factors[d] = (float) (ALIGNMENT * lean + spread * rng.nextGaussian());
    }
    bias = BIAS_SIGMA * rng.nextGaussian();
    halfStars = rng.nextDouble() < HALF_STAR_USERS;
  }

  /** A cluster drawn by popularity mass among those not yet chosen ({@code taken[c] == 0}). */
  private static int drawNewCluster(SplittableRandom rng, double[] mass, double[] taken) {
    double free = 0;
    for (int c = 0; c < mass.length; c++) {
      if (taken[c] == 0) {
        free += mass[c];
      }
    }
    double u = rng.nextDouble() * free;
    int last = -1;
    for (int c = 0; c < mass.length; c++) {
      if (taken[c] == 0) {
        last = c;
        u -= mass[c];
        if (u < 0) {
          return c;
        }
      }
    }
    return last;
  }
}
