package dev.ncfspark.data.synthetic;

import java.util.Arrays;

/**
 * Test helper: cheap, data-only checks of whether a ratings table has structure that
 * collaborative filtering can learn. Each user's latest ratings are held out (as in NCF's
 * leave-one-out protocol); everything else is training data.
 *
 * <ul>
 *   <li>Implicit ({@link #hitRates}, one held-out rating per user): hit rate at 10 of ranking a
 *       user's unseen items by popularity, versus by item-item co-occurrence (cosine) with her
 *       training items. When items are drawn by popularity alone, co-occurrence carries no more
 *       information than popularity and does not beat it.
 *   <li>Explicit ({@link #rmse}): RMSE on the held-out ratings of the user's mean, of a user +
 *       item bias model, and of the bias model plus a similarity-weighted mean of the user's own
 *       training residuals on co-occurring items (an item-kNN on residuals).
 * </ul>
 */
final class SyntheticLearnabilityProbe {
  static final int TOP_N = 10;
  private static final double BIAS_SHRINK = 10;
  /** Sharpens the neighbour weights towards the most similar items. */
  private static final double NEIGHBOUR_POWER = 3;
  private static final double NEIGHBOUR_SHRINK = 1;

  private final SyntheticRatingsTable t;
  private final int n;
  private final boolean[] heldOut;
  private final int[] trainCounts;
  /** Cosine similarity of items in the training data, n x n row-major, 0 on the diagonal. */
  private final float[] similarity;

  /** Holds out each user's latest rating (ties: the last such row). */
  static SyntheticLearnabilityProbe leaveLatestOut(SyntheticRatingsTable table) {
    return new SyntheticLearnabilityProbe(table, 0);
  }

  /** Holds out each user's latest {@code share} of ratings (at least one). */
  static SyntheticLearnabilityProbe holdOutLatest(SyntheticRatingsTable table, double share) {
    return new SyntheticLearnabilityProbe(table, share);
  }

  private SyntheticLearnabilityProbe(SyntheticRatingsTable table, double share) {
    t = table;
    n = table.itemCount();
    heldOut = new boolean[table.rows()];
    for (int u = 1; u <= table.users; u++) {
      int from = table.userStart[u - 1];
      int degree = table.degree(u);
      long[] byTime = new long[degree];
      for (int k = 0; k < degree; k++) {
        byTime[k] = table.times[from + k] * degree + k; // time, then file order
      }
      Arrays.sort(byTime);
      int hold = Math.max(1, (int) Math.round(share * degree));
      for (int k = degree - hold; k < degree; k++) {
        heldOut[from + (int) (byTime[k] % degree)] = true;
      }
    }
    trainCounts = new int[n];
    float[] cooc = new float[n * n];
    int[] basket = new int[n];
    for (int u = 1; u <= table.users; u++) {
      int size = trainItems(u, basket);
      for (int a = 0; a < size; a++) {
        int i = basket[a];
        trainCounts[i]++;
        int rowBase = i * n;
        for (int b = 0; b < size; b++) {
          cooc[rowBase + basket[b]] += 1;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double norm = Math.sqrt((double) trainCounts[i] * trainCounts[j]);
        cooc[i * n + j] = i == j || norm == 0 ? 0 : (float) (cooc[i * n + j] / norm);
      }
    }
    similarity = cooc;
  }

  /** Fills basket with user u's training items; returns how many. */
  private int trainItems(int u, int[] basket) {
    int size = 0;
    for (int r = t.userStart[u - 1]; r < t.userStart[u]; r++) {
      if (!heldOut[r]) {
        basket[size++] = t.items[r];
      }
    }
    return size;
  }

  /** {popularity hit rate, co-occurrence hit rate} at {@link #TOP_N}; leave-one-out only. */
  double[] hitRates() {
    int[] basket = new int[n];
    boolean[] seen = new boolean[n];
    double[] popularity = new double[n];
    for (int i = 0; i < n; i++) {
      popularity[i] = trainCounts[i];
    }
    double[] scores = new double[n];
    int popularityHits = 0;
    int neighbourHits = 0;
    for (int u = 1; u <= t.users; u++) {
      int size = trainItems(u, basket);
      if (size != t.degree(u) - 1) {
        throw new IllegalStateException("hit rate needs exactly one held-out rating per user");
      }
      Arrays.fill(scores, 0);
      for (int a = 0; a < size; a++) {
        seen[basket[a]] = true;
        int base = basket[a] * n;
        for (int i = 0; i < n; i++) {
          scores[i] += similarity[base + i];
        }
      }
      int target = heldOutItem(u);
      popularityHits += inTopN(popularity, seen, target) ? 1 : 0;
      neighbourHits += inTopN(scores, seen, target) ? 1 : 0;
      for (int a = 0; a < size; a++) {
        seen[basket[a]] = false;
      }
    }
    return new double[] {(double) popularityHits / t.users, (double) neighbourHits / t.users};
  }

  private int heldOutItem(int u) {
    for (int r = t.userStart[u - 1]; r < t.userStart[u]; r++) {
      if (heldOut[r]) {
        return t.items[r];
      }
    }
    throw new IllegalStateException("user " + u + " has nothing held out");
  }

  /** Whether target is among the TOP_N unseen items by score (ties counted against it). */
  private static boolean inTopN(double[] score, boolean[] seen, int target) {
    int better = 0;
    for (int i = 0; i < score.length; i++) {
      if (!seen[i] && i != target && score[i] >= score[target]) {
        better++;
      }
    }
    return better < TOP_N;
  }

  /** Held-out RMSE of {user mean, user + item biases, biases + neighbour residuals}. */
  double[] rmse() {
    double mu = 0;
    long trainRows = 0;
    double[] itemBias = new double[n];
    for (int r = 0; r < t.rows(); r++) {
      if (!heldOut[r]) {
        mu += stars(r);
        trainRows++;
      }
    }
    mu /= trainRows;
    for (int r = 0; r < t.rows(); r++) {
      if (!heldOut[r]) {
        itemBias[t.items[r]] += stars(r) - mu;
      }
    }
    for (int i = 0; i < n; i++) {
      itemBias[i] /= trainCounts[i] + BIAS_SHRINK;
    }
    double[] squared = new double[3];
    long tested = 0;
    for (int u = 1; u <= t.users; u++) {
      int from = t.userStart[u - 1];
      int to = t.userStart[u];
      double userMean = 0;
      double userBias = 0;
      int train = 0;
      for (int r = from; r < to; r++) {
        if (!heldOut[r]) {
          userMean += stars(r);
          userBias += stars(r) - mu - itemBias[t.items[r]];
          train++;
        }
      }
      userMean /= train;
      userBias /= train + BIAS_SHRINK;
      for (int test = from; test < to; test++) {
        if (!heldOut[test]) {
          continue;
        }
        int target = t.items[test];
        double weighted = 0;
        double weights = 0;
        for (int r = from; r < to; r++) {
          if (!heldOut[r]) {
            double residual = stars(r) - mu - userBias - itemBias[t.items[r]];
            double w = Math.pow(similarity[target * n + t.items[r]], NEIGHBOUR_POWER);
            weighted += w * residual;
            weights += w;
          }
        }
        double bias = mu + userBias + itemBias[target];
        double neighbour = bias + weighted / (weights + NEIGHBOUR_SHRINK);
        squared[0] += sq(stars(test) - userMean);
        squared[1] += sq(stars(test) - bias);
        squared[2] += sq(stars(test) - neighbour);
        tested++;
      }
    }
    for (int k = 0; k < 3; k++) {
      squared[k] = Math.sqrt(squared[k] / tested);
    }
    return squared;
  }

  private double stars(int row) {
    return t.halfStars[row] / 2.0;
  }

  private static double sq(double x) {
    return x * x;
  }
}
