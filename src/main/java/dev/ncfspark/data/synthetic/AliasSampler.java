package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * Walker/Vose alias table: draws index {@code i} with probability {@code weights[i] / sum} in
 * O(1), which keeps drawing 20M popularity-weighted items cheap.
 */
final class AliasSampler {
  private final double[] threshold;
  private final int[] alias;

  /** Builds the table; weights must be finite, non-negative and not all zero. */
  AliasSampler(double[] weights) {
    int n = weights.length;
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException("weights must be finite and non-negative: " + w);
      }
      sum += w;
    }
    if (n == 0 || sum <= 0) {
      throw new IllegalArgumentException("need at least one positive weight");
    }
    threshold = new double[n];
    alias = new int[n];
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / sum;
      if (scaled[i] < 1.0) {
        small[smallCount++] = i;
      } else {
        large[largeCount++] = i;
      }
    }
    while (smallCount > 0 && largeCount > 0) {
      int s = small[--smallCount];
      int l = large[--largeCount];
      threshold[s] = scaled[s];
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[smallCount++] = l;
      } else {
        large[largeCount++] = l;
      }
    }
    // Whatever is left has probability one of itself (up to rounding).
    while (largeCount > 0) {
      int l = large[--largeCount];
      threshold[l] = 1.0;
      alias[l] = l;
    }
    while (smallCount > 0) {
      int s = small[--smallCount];
      threshold[s] = 1.0;
      alias[s] = s;
    }
  }

  /** Number of outcomes. */
  int size() {
    return threshold.length;
  }

  /** One draw, consuming exactly one double of {@code rng}. */
  int sample(SplittableRandom rng) {
    double u = rng.nextDouble() * threshold.length;
    int i = Math.min((int) u, threshold.length - 1);
    return (u - i) < threshold[i] ? i : alias[i];
  }
}
