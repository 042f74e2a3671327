package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ratings.csv at demo scale: order, user activity, rating values, timestamps. */
class SyntheticRatingsShapeTest {
  @TempDir static Path tmp;
  static SyntheticMovieLensGenerator generator;
  static SyntheticRatingsTable table;

  @BeforeAll
  static void generate() throws IOException {
    generator = new SyntheticMovieLensGenerator(new SyntheticSpec(0.01, 2015));
    SyntheticMovieLensGenerator.Summary s = generator.writeTo(tmp);
    table = SyntheticRatingsTable.read(s.ratingsFile(), s.ratings());
  }

  @Test
  void rowsAreSortedByUserThenMovieWithoutDuplicates() {
    for (int r = 1; r < table.rows(); r++) {
      int du = table.userIds[r] - table.userIds[r - 1];
      assertTrue(du > 0 || du == 0 && table.movieIds[r] > table.movieIds[r - 1],
          "row " + (r + 1) + " out of order");
    }
  }

  @Test
  void userIdsAreOneToUsers() {
    assertEquals(generator.users(), table.users);
    for (int u = 1; u <= table.users; u++) {
      assertTrue(table.degree(u) > 0, "user " + u + " missing");
    }
  }

  @Test
  void everyUserHasAtLeastTwentyRatingsAndActivityIsHeavyTailed() {
    int[] degrees = new int[table.users];
    for (int u = 1; u <= table.users; u++) {
      degrees[u - 1] = table.degree(u);
    }
    Arrays.sort(degrees);
    int median = degrees[degrees.length / 2];
    int max = degrees[degrees.length - 1];
    double mean = (double) table.rows() / table.users;
    assertTrue(degrees[0] >= 20, "min " + degrees[0]);
    assertTrue(max <= Math.round(0.35 * generator.items()), "max " + max);
    assertTrue(median < 0.7 * mean, "median " + median + " vs mean " + mean);
    assertTrue(max > 5 * median, "max " + max + " vs median " + median);
  }

  @Test
  void ratingsAreHalfStarsWithMeanNearThreeAndAHalf() {
    int[] histogram = new int[11];
    long sum = 0;
    for (int h : table.halfStars) {
      assertTrue(h >= 1 && h <= 10, "rating " + h / 2.0);
      histogram[h]++;
      sum += h;
    }
    double mean = sum / 2.0 / table.rows();
    assertEquals(3.5, mean, 0.15, "mean rating");
    for (int h = 1; h <= 10; h++) {
      assertTrue(histogram[h] > 0, "no rating " + h / 2.0);
    }
    assertTrue(histogram[8] > histogram[7] && histogram[8] > histogram[9], "4.0 is a mode");
    assertTrue(histogram[1] < histogram[2], "0.5 rarer than 1.0: " + Arrays.toString(histogram));
  }

  @Test
  void timestampsAreInMl20mPeriodWithBurstsAndTies() {
    long ties = 0;
    long pairs = 0;
    for (int u = 1; u <= table.users; u++) {
      long[] t = Arrays.copyOfRange(table.times, table.userStart[u - 1], table.userStart[u]);
      Arrays.sort(t);
      assertTrue(t[0] >= Timeline.START && t[t.length - 1] <= Timeline.END,
          "user " + u + " times " + t[0] + ".." + t[t.length - 1]);
      for (int k = 1; k < t.length; k++) {
        pairs++;
        ties += t[k] == t[k - 1] ? 1 : 0;
      }
    }
    double tieShare = (double) ties / pairs;
    assertTrue(tieShare > 0.05 && tieShare < 0.15, "ties " + tieShare);
  }

  @Test
  void timeOrderIsUnrelatedToMovieIdOrder() {
    long later = 0;
    long different = 0;
    for (int u = 1; u <= table.users; u++) {
      for (int r = table.userStart[u - 1] + 1; r < table.userStart[u]; r++) {
        if (table.times[r] != table.times[r - 1]) {
          different++;
          later += table.times[r] > table.times[r - 1] ? 1 : 0;
        }
      }
    }
    double share = (double) later / different;
    assertEquals(0.5, share, 0.05, "share of movieId-consecutive rows that are later in time");
  }

  @Test
  void usersStartAtDifferentTimesAcrossThePeriod() {
    long[] firsts = new long[table.users];
    for (int u = 1; u <= table.users; u++) {
      firsts[u - 1] = Arrays.stream(table.times, table.userStart[u - 1], table.userStart[u])
          .min().getAsLong();
    }
    Arrays.sort(firsts);
    long period = Timeline.END - Timeline.START;
    assertTrue(firsts[firsts.length / 10] < Timeline.START + period / 4, "early users");
    assertTrue(firsts[firsts.length * 9 / 10] > Timeline.END - period / 4, "late users");
  }
}
