package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Item popularity is heavy-tailed: a long tail for core-k filtering and a very popular head. */
class SyntheticPopularityTest {
  @TempDir Path tmp;

  @Test
  void popularityHasALongTailAndAPopularHead() throws IOException {
    SyntheticMovieLensGenerator.Summary s =
        new SyntheticMovieLensGenerator(new SyntheticSpec(0.05, 2015)).writeTo(tmp);
    SyntheticRatingsTable table = SyntheticRatingsTable.read(s.ratingsFile(), s.ratings());
    int[] counts = Arrays.copyOf(table.itemCounts(), s.items()); // unrated items count 0
    Arrays.sort(counts);
    int items = counts.length;
    long fewerThanFive = Arrays.stream(counts).filter(c -> c < 5).count();
    long unrated = Arrays.stream(counts).filter(c -> c == 0).count();
    int median = counts[items / 2];
    int max = counts[items - 1];
    long head = 0;
    for (int i = items - items / 100; i < items; i++) {
      head += counts[i];
    }
    String figures = String.format("items %d, <5 ratings %d, unrated %d, median %d, max %d,"
        + " top 1%% share %.3f", items, fewerThanFive, unrated, median, max,
        (double) head / s.ratings());

    assertTrue(fewerThanFive > 0.10 * items, figures);
    assertTrue(unrated < 0.10 * items, figures);
    assertTrue(max > 30 * median, figures);
    assertTrue(max > 0.3 * s.users(), figures);
    assertTrue(head > 0.10 * s.ratings(), figures);
  }
}
