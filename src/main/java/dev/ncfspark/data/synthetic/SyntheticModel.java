package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * Everything shared by all users, derived from the spec alone: sizes, latent space, catalogue,
 * cluster index and the per-user rating counts. Immutable after construction and small (arrays
 * of the catalogue and user sizes), so all generator threads share it.
 */
final class SyntheticModel {
  final DatasetSizes sizes;
  final LatentSpace latent;
  final Catalogue catalogue;
  final ClusterIndex clusters;
  /** Rating count of user {@code u} at index {@code u - 1}; sums to {@code sizes.ratings()}. */
  final int[] degrees;
  final long userSeed;
  final long metadataSeed;

  SyntheticModel(SyntheticSpec spec) {
    sizes = DatasetSizes.of(spec);
    SplittableRandom rng = new SplittableRandom(Seeds.mix(spec.seed(), Seeds.CATALOGUE));
    latent = new LatentSpace(rng);
    catalogue = Catalogue.build(sizes.items(), latent, rng);
    clusters = new ClusterIndex(catalogue);
    degrees = UserDegrees.allocate(sizes, spec.seed());
    userSeed = Seeds.mix(spec.seed(), Seeds.USERS);
    metadataSeed = Seeds.mix(spec.seed(), Seeds.METADATA);
  }

  /** A fresh generator for user {@code userId}'s tastes, items, times and ratings. */
  SplittableRandom userRandom(int userId) {
    return new SplittableRandom(Seeds.mix(userSeed, userId));
  }
}
