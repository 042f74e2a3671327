package dev.ncfspark.data.synthetic;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Test helper: a ratings.csv read back into flat arrays (rows in file order), with movieIds
 * mapped to dense item indices. Parsing is strict: a malformed row fails the test that reads it.
 */
final class SyntheticRatingsTable {
  static final String HEADER = "userId,movieId,rating,timestamp";

  final int users;
  /** Rows of user u (1-based) are {@code userStart[u - 1] .. userStart[u] - 1}. */
  final int[] userStart;
  final int[] userIds;
  final int[] movieIds;
  /** Dense index of each row's movie among {@link #distinctMovieIds}. */
  final int[] items;
  /** Rating in half stars, 1..10. */
  final int[] halfStars;
  final long[] times;
  final int[] distinctMovieIds;

  private SyntheticRatingsTable(int[] userIds, int[] movieIds, int[] halfStars, long[] times) {
    this.userIds = userIds;
    this.movieIds = movieIds;
    this.halfStars = halfStars;
    this.times = times;
    int rows = userIds.length;
    int maxUser = 0;
    for (int u : userIds) {
      maxUser = Math.max(maxUser, u);
    }
    users = maxUser;
    userStart = new int[users + 1];
    for (int r = 0; r < rows; r++) {
      userStart[userIds[r]]++;
    }
    for (int u = 1; u <= users; u++) {
      userStart[u] += userStart[u - 1];
    }
    // userStart[u] now counts rows of users <= u: the start of user u + 1, as documented.
    distinctMovieIds = Arrays.stream(movieIds).distinct().sorted().toArray();
    items = new int[rows];
    for (int r = 0; r < rows; r++) {
      items[r] = Arrays.binarySearch(distinctMovieIds, movieIds[r]);
    }
  }

  int rows() {
    return userIds.length;
  }

  int itemCount() {
    return distinctMovieIds.length;
  }

  int degree(int user) {
    return userStart[user] - userStart[user - 1];
  }

  /** Number of rows per dense item index. */
  int[] itemCounts() {
    int[] counts = new int[itemCount()];
    for (int i : items) {
      counts[i]++;
    }
    return counts;
  }

  static SyntheticRatingsTable read(Path file, long expectedRows) throws IOException {
    int n = Math.toIntExact(expectedRows);
    int[] users = new int[n];
    int[] movies = new int[n];
    int[] stars = new int[n];
    long[] times = new long[n];
    int row = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String header = in.readLine();
      if (!HEADER.equals(header)) {
        throw new IllegalStateException("bad header: " + header);
      }
      String line;
      while ((line = in.readLine()) != null) {
        if (row == n) {
          throw new IllegalStateException("more than " + n + " rows");
        }
        String[] f = line.split(",", -1);
        if (f.length != 4 || !f[2].matches("[0-5]\\.[05]")) {
          throw new IllegalStateException("bad row " + (row + 1) + ": " + line);
        }
        users[row] = Integer.parseInt(f[0]);
        movies[row] = Integer.parseInt(f[1]);
        stars[row] = (f[2].charAt(0) - '0') * 2 + (f[2].charAt(2) == '5' ? 1 : 0);
        times[row] = Long.parseLong(f[3]);
        row++;
      }
    }
    if (row != n) {
      throw new IllegalStateException(row + " rows, expected " + n);
    }
    return new SyntheticRatingsTable(users, movies, stars, times);
  }

  /**
   * The same users, degrees, ratings and times, but every user's movies redrawn (distinct, in
   * proportion to this table's item popularity): the popularity of the data without its
   * structure, a null model for the learnability checks.
   */
  SyntheticRatingsTable withPopularityOnlyItems(long seed) {
    int[] counts = itemCounts();
    double[] weights = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      weights[i] = counts[i];
    }
    AliasSampler popularity = new AliasSampler(weights);
    SplittableRandom rng = new SplittableRandom(seed);
    int[] newMovies = new int[rows()];
    int[] taken = new int[counts.length];
    for (int u = 1; u <= users; u++) {
      int[] chosen = new int[degree(u)];
      for (int k = 0; k < chosen.length; k++) {
        int item;
        do {
          item = popularity.sample(rng);
        } while (taken[item] == u);
        taken[item] = u;
        chosen[k] = item;
      }
      Arrays.sort(chosen);
      for (int k = 0; k < chosen.length; k++) {
        newMovies[userStart[u - 1] + k] = distinctMovieIds[chosen[k]];
      }
    }
    return new SyntheticRatingsTable(userIds, newMovies, halfStars, times);
  }

  /** The same rows with rating values shuffled within each user: no item or pair structure. */
  SyntheticRatingsTable withRatingsShuffledWithinUsers(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] shuffled = halfStars.clone();
    for (int u = 1; u <= users; u++) {
      int start = userStart[u - 1];
      for (int k = degree(u) - 1; k > 0; k--) {
        int j = rng.nextInt(k + 1);
        int tmp = shuffled[start + k];
        shuffled[start + k] = shuffled[start + j];
        shuffled[start + j] = tmp;
      }
    }
    return new SyntheticRatingsTable(userIds, movieIds, shuffled, times);
  }
}
