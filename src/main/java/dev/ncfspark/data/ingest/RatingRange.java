package dev.ncfspark.data.ingest;

import java.util.Locale;

/**
 * The ratings a source may hold, bounds included, and where the scale comes from (for the
 * message that rejects a rating outside it).
 */
public record RatingRange(double min, double max, String scale) {
  /** ratings.csv of ML-20M, ML-25M and ml-latest: half stars from 0.5 to 5.0. */
  static final RatingRange MOVIELENS_HALF_STARS = new RatingRange(0.5, 5.0, "the scale of MovieLens ratings.csv");
  /** u.data (ML-100K) and ratings.dat (ML-1M, ML-10M): whole stars from 1 to 5. */
  static final RatingRange MOVIELENS_STARS = new RatingRange(1, 5, "the scale of MovieLens");

  public RatingRange {
    if (!(min <= max)) {
      throw new IllegalArgumentException("a rating range needs min <= max, found [" + min + ", " + max + "]");
    }
  }

  /** A SQL condition true when {@code ratingColumn} lies outside the range. */
  String outsideSql(String ratingColumn) {
    return "(" + ratingColumn + " < " + sqlDouble(min) + " OR " + ratingColumn + " > " + sqlDouble(max) + ")";
  }

  /** What a rejected rating is told: "a rating in [0.5, 5.0] (the scale of ...)". */
  String expectation() {
    return String.format(Locale.ROOT, "a rating in [%s, %s] (%s)", min, max, scale);
  }

  private static String sqlDouble(double x) {
    return "double('" + x + "')";
  }
}
