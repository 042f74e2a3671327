package dev.ncfspark.data.synthetic;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Titles, years and genres in ML-20M's style. Titles are {@code Synthetic Movie <movieId>
 * (<year>)}, some with a trailing article as ML writes them ({@code ..., The (1995)}); years grow
 * with movieId, as in ML. Genres are ML's 18 names, mostly the two signature genres of the
 * item's taste cluster plus occasional others, in ML's alphabetical order; about 1% have {@code
 * (no genres listed)}.
 */
final class MovieMetadata {
  /** The 18 genre names of ML-20M (its README), alphabetical as in movies.csv. */
  static final List<String> GENRES = List.of("Action", "Adventure", "Animation", "Children",
      "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical",
      "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western");
  static final String NO_GENRES = "(no genres listed)";
  static final int FIRST_YEAR = 1902;
  static final int LAST_YEAR = 2015;
  private static final double NO_GENRE_PROBABILITY = 0.01;
  private static final double FIRST_SIGNATURE_PROBABILITY = 0.85;
  private static final double SECOND_SIGNATURE_PROBABILITY = 0.6;
  private static final double OTHER_GENRE_PROBABILITY = 0.04;
  private static final double THE_PROBABILITY = 0.07;
  private static final double A_PROBABILITY = 0.02;
  /** Year quantile curve: about half of the movies are from 1990 or later. */
  private static final double YEAR_CURVE = 0.36;

  /** A movie as listed in movies.csv (title unquoted). */
  record Movie(int movieId, String title, String genres) {}

  private final Catalogue catalogue;
  private final long seed;
  private final int[][] signatures = new int[LatentSpace.CLUSTERS][2];

  MovieMetadata(Catalogue catalogue, long seed) {
    this.catalogue = catalogue;
    this.seed = seed;
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, -1));
    for (int[] signature : signatures) {
      signature[0] = rng.nextInt(GENRES.size());
      do {
        signature[1] = rng.nextInt(GENRES.size());
      } while (signature[1] == signature[0]);
    }
  }

  Movie movie(int item) {
    int movieId = catalogue.movieIds[item];
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, movieId));
    return new Movie(movieId, title(item, movieId, rng), genres(item, rng));
  }

  private String title(int item, int movieId, SplittableRandom rng) {
    double position = catalogue.size == 1 ? 1 : (double) item / (catalogue.size - 1);
    int year = (int) Math.round(FIRST_YEAR
        + (LAST_YEAR - FIRST_YEAR) * Math.pow(position, YEAR_CURVE) + 3 * rng.nextGaussian());
    year = Math.max(FIRST_YEAR, Math.min(LAST_YEAR, year));
    double r = rng.nextDouble();
    String article = r < THE_PROBABILITY ? ", The" : r < THE_PROBABILITY + A_PROBABILITY ? ", A" : "";
    return "Synthetic Movie " + movieId + article + " (" + year + ")";
  }

  private String genres(int item, SplittableRandom rng) {
    if (rng.nextDouble() < NO_GENRE_PROBABILITY) {
      return NO_GENRES;
    }
    int[] signature = signatures[catalogue.clusters[item]];
    boolean[] chosen = new boolean[GENRES.size()];
    chosen[signature[0]] = rng.nextDouble() < FIRST_SIGNATURE_PROBABILITY;
    chosen[signature[1]] = rng.nextDouble() < SECOND_SIGNATURE_PROBABILITY;
    for (int g = 0; g < chosen.length; g++) {
      if (rng.nextDouble() < OTHER_GENRE_PROBABILITY) {
        chosen[g] = true;
      }
    }
    StringBuilder s = new StringBuilder();
    for (int g = 0; g < chosen.length; g++) {
      if (chosen[g]) {
        s.append(s.length() == 0 ? "" : "|").append(GENRES.get(g));
      }
    }
    return s.length() == 0 ? GENRES.get(signature[0]) : s.toString();
  }
}
