package dev.ncfspark.data.synthetic;

/**
 * What to generate: a size relative to MovieLens ML-20M and a seed.
 *
 * <p>{@code scale = 1} gives exactly ML-20M's 138,493 users, 26,744 rated items and 20,000,263
 * ratings; users and ratings scale linearly, the catalogue with {@code sqrt(scale)} (see {@link
 * SyntheticMovieLensGenerator}). The same spec always produces byte-identical files.
 *
 * @param scale size relative to ML-20M, in (0, 10]
 * @param seed any long; different seeds give different, equally distributed data
 */
public record SyntheticSpec(double scale, long seed) {

  /** The largest supported scale (10 x ML-20M, about 200M ratings). */
  public static final double MAX_SCALE = 10.0;

  /** Validates that {@code 0 < scale <= MAX_SCALE}. */
  public SyntheticSpec {
    if (!(scale > 0.0 && scale <= MAX_SCALE)) {
      throw new IllegalArgumentException(
          "synthetic scale must be in (0, " + MAX_SCALE + "], got " + scale);
    }
  }
}
