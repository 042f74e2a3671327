package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * How many ratings each user has: {@value DatasetSizes#MIN_USER_RATINGS} plus a log-normal tail,
 * capped at {@link DatasetSizes#maxUserDegree()}, scaled so that the counts sum exactly to {@link
 * DatasetSizes#ratings()}. ML-20M itself looks like this (minimum 20, median ~68, mean ~144, a few
 * users with thousands of ratings).
 */
final class UserDegrees {
  /** Log-scale spread of the tail above the minimum; gives ML-like median/mean/max. */
  static final double TAIL_SIGMA = 1.35;

  private UserDegrees() {}

  /** The rating count of user {@code u} (1-based) is element {@code u - 1}. */
  static int[] allocate(DatasetSizes sizes, long seed) {
    int users = sizes.users();
    int min = DatasetSizes.MIN_USER_RATINGS;
    int room = sizes.maxUserDegree() - min;
    long extra = sizes.ratings() - (long) min * users;

    long streamSeed = Seeds.mix(seed, Seeds.DEGREES);
    double[] raw = new double[users];
    for (int u = 0; u < users; u++) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(streamSeed, u + 1L));
      raw[u] = Math.exp(TAIL_SIGMA * rng.nextGaussian());
    }

    double lambda = solveScale(raw, room, extra);
    int[] degrees = new int[users];
    long assigned = 0;
    for (int u = 0; u < users; u++) {
      int tail = (int) Math.min(room, Math.floor(lambda * raw[u]));
      degrees[u] = min + tail;
      assigned += tail;
    }
    fixRemainder(degrees, extra - assigned, min, sizes.maxUserDegree());
    return degrees;
  }

  /** The largest lambda (by bisection) with {@code sum(min(room, lambda * raw)) <= extra}. */
  private static double solveScale(double[] raw, int room, long extra) {
    if (extra == 0 || room == 0) {
      return 0;
    }
    double lo = 0;
    double hi = 1;
    while (cappedSum(raw, room, hi) < extra && hi < 1e300) {
      hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (cappedSum(raw, room, mid) <= extra) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double cappedSum(double[] raw, int room, double lambda) {
    double sum = 0;
    for (double r : raw) {
      sum += Math.min(room, lambda * r);
    }
    return sum;
  }

  /** Adds (or removes) single ratings round-robin until the total is exact. */
  private static void fixRemainder(int[] degrees, long remainder, int min, int max) {
    int step = remainder >= 0 ? 1 : -1;
    while (remainder != 0) {
      boolean changed = false;
      for (int u = 0; u < degrees.length && remainder != 0; u++) {
        int next = degrees[u] + step;
        if (next >= min && next <= max) {
          degrees[u] = next;
          remainder -= step;
          changed = true;
        }
      }
      if (!changed) {
        throw new IllegalStateException("cannot reach the exact rating total");
      }
    }
  }
}
