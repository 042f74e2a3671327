package dev.ncfspark.data.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws a user's set of distinct items: a cluster from her preference mixture, then an item of
 * that cluster by popularity, without replacement (successive sampling).
 *
 * <p>Two details keep this both faithful and fast. The mixture is first capped so that no
 * cluster is asked for more than {@link #CLUSTER_CAPACITY} of its items (the excess goes to the
 * other clusters in proportion), so heavy users and small catalogues do not exhaust their
 * favourite clusters and flatten popularity. Within a cluster, draws use the cluster's shared
 * alias table and reject items already taken; after {@link #MAX_REJECTIONS} rejections in a row
 * (the user has taken most of the cluster's popularity mass) a private table over the cluster's
 * remaining items is built, so every draw stays exactly popularity-proportional among the
 * remaining items at a bounded cost.
 *
 * <p>Holds per-thread scratch space; not thread-safe.
 */
final class ItemDrawer {
  /** Largest share of a cluster's items one user is steered to. */
  static final double CLUSTER_CAPACITY = 0.5;
  /** Rejections in a row before a cluster's table is rebuilt over the remaining items. */
  static final int MAX_REJECTIONS = 32;

  private static final int K = LatentSpace.CLUSTERS;

  private final Catalogue catalogue;
  private final ClusterIndex clusters;
  /** {@code taken[i] == epoch} iff item i is already in the current user's set. */
  private final int[] taken;
  private int epoch;
  private final int[] remaining = new int[K];
  private final double[] weights = new double[K];
  private final boolean[] capped = new boolean[K];
  private double totalWeight;
  /** Per-user tables over the remaining items of a depleted cluster (null: shared table). */
  private final AliasSampler[] ownSamplers = new AliasSampler[K];
  private final int[][] ownMembers = new int[K][];

  ItemDrawer(Catalogue catalogue, ClusterIndex clusters) {
    this.catalogue = catalogue;
    this.clusters = clusters;
    this.taken = new int[catalogue.size];
  }

  /** Fills {@code out[0..count)} with distinct item indices, in draw order. */
  void draw(UserProfile user, SplittableRandom rng, int[] out, int count) {
    if (count > catalogue.size) {
      throw new IllegalArgumentException(count + " items requested from " + catalogue.size);
    }
    startUser(user, count);
    for (int k = 0; k < count; k++) {
      int c = drawCluster(rng);
      int item = drawItem(c, rng);
      taken[item] = epoch;
      out[k] = item;
      if (--remaining[c] == 0) {
        totalWeight -= weights[c];
        weights[c] = 0;
      }
    }
  }

  private void startUser(UserProfile user, int count) {
    if (++epoch == Integer.MAX_VALUE) {
      Arrays.fill(taken, 0);
      epoch = 1;
    }
    Arrays.fill(ownSamplers, null);
    Arrays.fill(ownMembers, null);
    for (int c = 0; c < K; c++) {
      remaining[c] = clusters.members[c].length;
      weights[c] = user.mixture[c];
    }
    capDemand(count);
    totalWeight = 0;
    for (int c = 0; c < K; c++) {
      totalWeight += weights[c];
    }
  }

  /**
   * Water-filling: clusters whose expected picks exceed their capacity are pinned at capacity
   * and the rest of the mixture is rescaled, until no cluster is over capacity.
   */
  private void capDemand(int count) {
    Arrays.fill(capped, false);
    for (int round = 0; round < K; round++) {
      double pinned = 0;
      double free = 0;
      for (int c = 0; c < K; c++) {
        if (capped[c]) {
          pinned += weights[c];
        } else {
          free += weights[c];
        }
      }
      double scale = free > 0 ? (1 - pinned) / free : 0;
      boolean changed = false;
      for (int c = 0; c < K; c++) {
        if (!capped[c]) {
          weights[c] *= scale;
          double capacity = CLUSTER_CAPACITY * remaining[c] / count;
          if (weights[c] > capacity) {
            weights[c] = capacity;
            capped[c] = true;
            changed = true;
          }
        }
      }
      if (!changed) {
        return;
      }
    }
  }

  private int drawCluster(SplittableRandom rng) {
    double u = rng.nextDouble() * totalWeight;
    int last = -1;
    for (int c = 0; c < K; c++) {
      if (remaining[c] > 0 && weights[c] > 0) {
        last = c;
        u -= weights[c];
        if (u < 0) {
          return c;
        }
      }
    }
    return last; // rounding: the last cluster that can still give an item
  }

  private int drawItem(int c, SplittableRandom rng) {
    for (int attempt = 0; attempt < 2; attempt++) {
      int[] members = ownMembers[c] != null ? ownMembers[c] : clusters.members[c];
      AliasSampler sampler = ownSamplers[c] != null ? ownSamplers[c] : clusters.samplers[c];
      for (int t = 0; t < MAX_REJECTIONS; t++) {
        int item = members[sampler.sample(rng)];
        if (taken[item] != epoch) {
          return item;
        }
      }
      rebuild(c);
    }
    throw new IllegalStateException("cluster " + c + " has no item left");
  }

  /** A private table over cluster c's items not yet taken (all of them untaken, so never stuck). */
  private void rebuild(int c) {
    int[] members = clusters.members[c];
    int[] left = new int[remaining[c]];
    double[] w = new double[left.length];
    int n = 0;
    for (int item : members) {
      if (taken[item] != epoch) {
        left[n] = item;
        w[n] = catalogue.popularity[item];
        n++;
      }
    }
    ownMembers[c] = left;
    ownSamplers[c] = new AliasSampler(w);
  }
}
