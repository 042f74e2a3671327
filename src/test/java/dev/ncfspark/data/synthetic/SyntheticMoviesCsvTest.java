package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** movies.csv: ML-20M's format, sparse ids, quoted titles, genre names, coverage of ratings. */
class SyntheticMoviesCsvTest {
  /** movieId, then a quoted title (with a comma) or a plain one (without), then genres. */
  private static final Pattern LINE = Pattern.compile(
      "(\\d+),(?:\"(Synthetic Movie \\d+, (?:The|A) \\((\\d{4})\\))\""
          + "|(Synthetic Movie \\d+ \\((\\d{4})\\))),([^,\"]+)");
  private static final Set<String> GENRES = Set.of("Action", "Adventure", "Animation",
      "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror",
      "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western");

  @TempDir static Path tmp;
  static SyntheticMovieLensGenerator.Summary summary;
  static List<String> lines;

  @BeforeAll
  static void generate() throws IOException {
    summary = new SyntheticMovieLensGenerator(new SyntheticSpec(0.01, 2015)).writeTo(tmp);
    lines = Files.readAllLines(summary.moviesFile());
  }

  @Test
  void everyLineHasMlFormatWithSparseIncreasingIds() {
    assertEquals("movieId,title,genres", lines.get(0));
    assertEquals(summary.items() + 1, lines.size());
    int previous = 0;
    int gaps = 0;
    int quoted = 0;
    int noGenres = 0;
    for (String line : lines.subList(1, lines.size())) {
      Matcher m = LINE.matcher(line);
      assertTrue(m.matches(), "bad line: " + line);
      int id = Integer.parseInt(m.group(1));
      assertTrue(id > previous, "ids not increasing at " + line);
      gaps += id > previous + 1 ? 1 : 0;
      previous = id;
      String title = m.group(2) != null ? m.group(2) : m.group(4);
      assertTrue(title.contains("Movie " + id + ",") || title.contains("Movie " + id + " "));
      int year = Integer.parseInt(m.group(2) != null ? m.group(3) : m.group(5));
      assertTrue(year >= 1902 && year <= 2015, "year " + year);
      quoted += m.group(2) != null ? 1 : 0;
      String genres = m.group(6);
      if (genres.equals("(no genres listed)")) {
        noGenres++;
      } else {
        for (String g : genres.split("\\|", -1)) {
          assertTrue(GENRES.contains(g), "genre '" + g + "' in " + line);
        }
      }
    }
    assertTrue(previous > 2 * summary.items(), "ids are sparse, max " + previous);
    assertTrue(gaps > summary.items() / 10, "gaps " + gaps);
    assertTrue(quoted > summary.items() / 50, "quoted titles " + quoted);
    assertTrue(noGenres > 0 && noGenres < summary.items() / 20, "no genres " + noGenres);
  }

  @Test
  void everyRatedMovieIsListedAndMostMoviesAreRated() throws IOException {
    Set<Integer> listed = new HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      listed.add(Integer.parseInt(line.substring(0, line.indexOf(','))));
    }
    SyntheticRatingsTable ratings =
        SyntheticRatingsTable.read(summary.ratingsFile(), summary.ratings());
    for (int id : ratings.distinctMovieIds) {
      assertTrue(listed.contains(id), "rated movie " + id + " not in movies.csv");
    }
    assertTrue(ratings.itemCount() >= 0.85 * summary.items(),
        ratings.itemCount() + " of " + summary.items() + " rated");
  }
}
