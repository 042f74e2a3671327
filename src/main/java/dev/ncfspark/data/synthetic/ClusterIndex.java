package dev.ncfspark.data.synthetic;

/**
 * The items of each taste cluster with a popularity sampler per cluster and the cluster's total
 * popularity mass (which sets how often users pick the cluster in the background mixture).
 */
final class ClusterIndex {
  /** {@code members[c]}: item indices of cluster {@code c}, increasing. */
  final int[][] members;
  final AliasSampler[] samplers;
  /** Share of the total popularity held by each cluster; sums to 1. */
  final double[] massShare;

  /** Needs every cluster non-empty: guaranteed as catalogues have at least 20 items. */
  ClusterIndex(Catalogue catalogue) {
    int k = LatentSpace.CLUSTERS;
    int[] counts = new int[k];
    for (int i = 0; i < catalogue.size; i++) {
      counts[catalogue.clusters[i]]++;
    }
    members = new int[k][];
    for (int c = 0; c < k; c++) {
      members[c] = new int[counts[c]];
    }
    int[] fill = new int[k];
    for (int i = 0; i < catalogue.size; i++) {
      int c = catalogue.clusters[i];
      members[c][fill[c]++] = i;
    }
    samplers = new AliasSampler[k];
    massShare = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      double[] w = new double[members[c].length];
      for (int j = 0; j < w.length; j++) {
        w[j] = catalogue.popularity[members[c][j]];
        massShare[c] += w[j];
      }
      samplers[c] = new AliasSampler(w);
      total += massShare[c];
    }
    for (int c = 0; c < k; c++) {
      massShare[c] /= total;
    }
  }
}
