package dev.ncfspark.data.synthetic;

/**
 * Derivation of independent seeds from (seed, stream): every user, item and model part gets its
 * own generator, so results never depend on generation order or on the number of threads.
 */
final class Seeds {
  /** Stream of the catalogue (items, clusters, popularity, factors). */
  static final long CATALOGUE = -1;
  /** Stream whose children seed the per-user activity (number of ratings). */
  static final long DEGREES = -2;
  /** Stream whose children seed each user's tastes, items, timestamps and ratings. */
  static final long USERS = -3;
  /** Stream whose children seed movie titles, years and genres. */
  static final long METADATA = -4;

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** A well-mixed 64-bit seed for child {@code stream} of {@code seed} (SplitMix64 finaliser). */
  static long mix(long seed, long stream) {
    return finalise(finalise(seed) + GOLDEN_GAMMA * (stream + 1));
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
