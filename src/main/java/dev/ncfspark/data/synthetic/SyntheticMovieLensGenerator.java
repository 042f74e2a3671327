package dev.ncfspark.data.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Deterministic generator of MovieLens ML-20M-format data ({@code ratings.csv}, {@code
 * movies.csv}) with a learnable latent structure; the project's default demo dataset and the
 * data of its 20M-row scale benchmark, usable without downloading MovieLens.
 *
 * <p>At {@code scale = 1} the sizes are exactly ML-20M's: 138,493 users, 26,744 items,
 * 20,000,263 ratings. Users and ratings scale linearly, items with {@code sqrt(scale)}.
 *
 * <p>What the data looks like:
 *
 * <ul>
 *   <li>every user has at least 20 ratings, plus a log-normal tail capped at 35% of the
 *       catalogue; the counts sum exactly to the total;
 *   <li>item popularity is heavy-tailed (a head rated by a large share of users, thousands of
 *       items with fewer than 5 ratings at full scale, a few unrated items still listed);
 *   <li>hidden structure: 20 taste clusters; each user prefers one to three of them (65% of her
 *       choices, the rest follows global popularity), each item belongs to one; a user's items
 *       are drawn by cluster preference, then by popularity within the cluster, without
 *       repetition; ratings are {@code 3.6 + user bias + item bias + centred user . item
 *       factors + noise} in half (or whole) stars, mean about 3.5;
 *   <li>timestamps in 1995-01-09..2015-03-31, increasing per user in a random order of her
 *       items, in bursts with about 10% exact ties.
 * </ul>
 *
 * <p>Known simplification: rating times do not respect the movie's year.
 *
 * <p>Output is byte-identical for the same {@link SyntheticSpec} whatever the number of
 * threads: every user is generated from her own seed and blocks are written in user order.
 * Memory stays small (a few blocks of text), so the 20M-row scale runs in a modest heap.
 */
public final class SyntheticMovieLensGenerator {
  /** Name of the ratings file, as in ML-20M. */
  public static final String RATINGS_FILE = "ratings.csv";
  /** Name of the movies file, as in ML-20M. */
  public static final String MOVIES_FILE = "movies.csv";

  private final SyntheticSpec spec;
  private final DatasetSizes sizes;
  private final int threads;

  /**
   * A generator for {@code spec}, using all available processors.
   *
   * @throws IllegalArgumentException if the scale is too small to satisfy the size rules
   */
  public SyntheticMovieLensGenerator(SyntheticSpec spec) {
    this(spec, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #SyntheticMovieLensGenerator(SyntheticSpec)} with a given thread count. */
  SyntheticMovieLensGenerator(SyntheticSpec spec, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.spec = spec;
    this.sizes = DatasetSizes.of(spec);
    this.threads = threads;
  }

  /** Number of users (userIds are 1..users). */
  public int users() {
    return sizes.users();
  }

  /** Number of movies listed in movies.csv. */
  public int items() {
    return sizes.items();
  }

  /** Number of rows of ratings.csv (without the header). */
  public long ratings() {
    return sizes.ratings();
  }

  /**
   * Creates {@code dir} if needed and writes {@code ratings.csv} and {@code movies.csv} into it,
   * replacing existing files. Each file is written under a temporary name and moved into place
   * when complete, so an interrupted run never leaves a truncated file under the final name.
   */
  public Summary writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    SyntheticModel model = new SyntheticModel(spec);
    Path movies = dir.resolve(MOVIES_FILE);
    Path ratings = dir.resolve(RATINGS_FILE);
    Path moviesTmp = dir.resolve(MOVIES_FILE + ".tmp");
    Path ratingsTmp = dir.resolve(RATINGS_FILE + ".tmp");
    try {
      MoviesCsvWriter.write(new MovieMetadata(model.catalogue, model.metadataSeed),
          sizes.items(), moviesTmp);
      new RatingsCsvWriter(model, threads).write(ratingsTmp);
      Files.move(moviesTmp, movies, StandardCopyOption.REPLACE_EXISTING);
      Files.move(ratingsTmp, ratings, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(moviesTmp);
      Files.deleteIfExists(ratingsTmp);
    }
    return new Summary(sizes.users(), sizes.items(), sizes.ratings(), ratings, movies);
  }

  /**
   * What {@link #writeTo} wrote.
   *
   * @param users number of users
   * @param items number of movies in movies.csv
   * @param ratings number of rating rows
   * @param ratingsFile path of ratings.csv
   * @param moviesFile path of movies.csv
   */
  public record Summary(int users, int items, long ratings, Path ratingsFile, Path moviesFile) {}
}
