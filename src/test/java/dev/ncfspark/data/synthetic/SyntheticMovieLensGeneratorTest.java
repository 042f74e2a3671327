package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API: sizes, files written, determinism, validation. */
class SyntheticMovieLensGeneratorTest {
  private static final SyntheticSpec SMALL = new SyntheticSpec(0.01, 2015);

  @TempDir Path tmp;

  @Test
  void fullScaleSizesAreMl20mWithoutGeneratingAnything() {
    SyntheticMovieLensGenerator g = new SyntheticMovieLensGenerator(new SyntheticSpec(1.0, 7));
    assertEquals(138_493, g.users());
    assertEquals(26_744, g.items());
    assertEquals(20_000_263L, g.ratings());
  }

  @Test
  void sizesScaleUsersAndRatingsLinearlyAndItemsWithSquareRoot() {
    SyntheticMovieLensGenerator g = new SyntheticMovieLensGenerator(new SyntheticSpec(0.25, 7));
    assertEquals(Math.round(138_493 * 0.25), g.users());
    assertEquals(13_372, g.items());
    assertEquals(Math.round(20_000_263 * 0.25), g.ratings());
  }

  @Test
  void writtenFilesHaveExactlyTheAnnouncedSizes() throws IOException {
    SyntheticMovieLensGenerator g = new SyntheticMovieLensGenerator(SMALL);
    Path dir = tmp.resolve("nested/out");
    SyntheticMovieLensGenerator.Summary s = g.writeTo(dir);

    assertEquals(new SyntheticMovieLensGenerator.Summary(1_385, 2_674, 200_003L,
        dir.resolve("ratings.csv"), dir.resolve("movies.csv")), s);
    assertEquals(g.users(), s.users());
    assertEquals(g.items(), s.items());
    assertEquals(g.ratings(), s.ratings());

    List<String> ratings = Files.readAllLines(s.ratingsFile());
    assertEquals("userId,movieId,rating,timestamp", ratings.get(0));
    assertEquals(g.ratings(), ratings.size() - 1);
    long distinctUsers = ratings.stream().skip(1).map(l -> l.substring(0, l.indexOf(',')))
        .distinct().count();
    assertEquals(g.users(), distinctUsers);
    assertTrue(ratings.get(ratings.size() - 1).startsWith(g.users() + ","), "last user id");

    List<String> movies = Files.readAllLines(s.moviesFile());
    assertEquals("movieId,title,genres", movies.get(0));
    assertEquals(g.items(), movies.size() - 1);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("movies.csv", "ratings.csv"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files");
    }
  }

  @Test
  void sameSpecGivesByteIdenticalFilesWhateverTheThreadCount() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    new SyntheticMovieLensGenerator(SMALL, 1).writeTo(a);
    new SyntheticMovieLensGenerator(SMALL, 3).writeTo(b);
    new SyntheticMovieLensGenerator(SMALL).writeTo(c);
    for (String file : List.of("ratings.csv", "movies.csv")) {
      byte[] expected = sha256(a.resolve(file));
      assertArrayEquals(expected, sha256(b.resolve(file)), file + " with 3 threads");
      assertArrayEquals(expected, sha256(c.resolve(file)), file + " with default threads");
    }
  }

  @Test
  void anotherSeedGivesDifferentData() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    new SyntheticMovieLensGenerator(SMALL).writeTo(a);
    new SyntheticMovieLensGenerator(new SyntheticSpec(SMALL.scale(), SMALL.seed() + 1))
        .writeTo(b);
    for (String file : List.of("ratings.csv", "movies.csv")) {
      assertFalse(MessageDigest.isEqual(sha256(a.resolve(file)), sha256(b.resolve(file))), file);
    }
  }

  @Test
  void rewritingReplacesExistingFiles() throws IOException {
    Files.writeString(tmp.resolve("ratings.csv"), "stale");
    SyntheticMovieLensGenerator.Summary s =
        new SyntheticMovieLensGenerator(new SyntheticSpec(0.001, 3)).writeTo(tmp);
    assertEquals(s.ratings() + 1, Files.readAllLines(s.ratingsFile()).size());
  }

  @Test
  void specRejectsScalesOutsideTheRange() {
    for (double bad : new double[] {0, -0.5, 10.0001, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> new SyntheticSpec(bad, 1), "" + bad);
    }
    new SyntheticSpec(10, 1); // the maximum is allowed
  }

  @Test
  void scaleTooSmallForTwentyRatingsPerUserIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SyntheticMovieLensGenerator(new SyntheticSpec(1e-4, 1)));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    new SyntheticMovieLensGenerator(new SyntheticSpec(3e-4, 1)); // feasible
  }

  static byte[] sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return digest.digest();
  }
}
