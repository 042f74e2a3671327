package dev.ncfspark.data.synthetic;

/**
 * The exact sizes of a synthetic dataset, a pure function of the scale.
 *
 * <p>Users and ratings scale linearly with ML-20M; the catalogue scales with {@code
 * sqrt(scale)}, so that a small demo still has a real catalogue. Every user has at least {@link
 * #MIN_USER_RATINGS} ratings and at most {@link #maxUserDegree} (35% of the catalogue).
 *
 * @param users number of users, ids 1..users
 * @param items number of movies in movies.csv
 * @param ratings number of rows of ratings.csv
 * @param maxUserDegree the most ratings one user may have
 */
record DatasetSizes(int users, int items, long ratings, int maxUserDegree) {
  static final int ML20M_USERS = 138_493;
  static final int ML20M_ITEMS = 26_744;
  static final long ML20M_RATINGS = 20_000_263L;
  /** ML-20M's own minimum: every user has rated at least 20 movies. */
  static final int MIN_USER_RATINGS = 20;
  /** The heaviest users rate at most this fraction of the catalogue (ML-20M: 9,254 of 26,744). */
  static final double MAX_CATALOGUE_FRACTION = 0.35;

  /**
   * The sizes for a spec.
   *
   * @throws IllegalArgumentException if the scale is so small that the constraints cannot all
   *     hold (below about 0.00025: fewer than ~400 items for ~144 ratings per user)
   */
  static DatasetSizes of(SyntheticSpec spec) {
    double scale = spec.scale();
    int users = (int) Math.round(ML20M_USERS * scale);
    int items = (int) Math.round(ML20M_ITEMS * Math.sqrt(scale));
    long ratings = Math.round(ML20M_RATINGS * scale);
    int maxDegree = Math.min(items, Math.max(MIN_USER_RATINGS,
        (int) Math.round(MAX_CATALOGUE_FRACTION * items)));
    boolean feasible = users >= 1
        && items >= MIN_USER_RATINGS
        && ratings >= (long) MIN_USER_RATINGS * users
        && ratings <= (long) maxDegree * users;
    if (!feasible) {
      throw new IllegalArgumentException(String.format(
          "synthetic scale %s is too small: %d users, %d items and %d ratings cannot give every"
              + " user between %d and %d ratings",
          scale, users, items, ratings, MIN_USER_RATINGS, maxDegree));
    }
    return new DatasetSizes(users, items, ratings, maxDegree);
  }
}
