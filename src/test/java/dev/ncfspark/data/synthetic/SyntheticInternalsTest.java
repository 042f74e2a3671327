package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The building blocks: alias sampling, user degree allocation, item drawing, formatting. */
class SyntheticInternalsTest {

  @Test
  void aliasSamplerFollowsTheWeights() {
    double[] weights = {0, 1, 2, 7, 0.5, 0, 9.5};
    AliasSampler sampler = new AliasSampler(weights);
    SplittableRandom rng = new SplittableRandom(1);
    int draws = 400_000;
    int[] counts = new int[weights.length];
    for (int k = 0; k < draws; k++) {
      counts[sampler.sample(rng)]++;
    }
    double total = Arrays.stream(weights).sum();
    for (int i = 0; i < weights.length; i++) {
      double expected = draws * weights[i] / total;
      assertEquals(expected, counts[i], 5 * Math.sqrt(expected) + 1e-9, "outcome " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> new AliasSampler(new double[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> new AliasSampler(new double[] {1, -1}));
  }

  @Test
  void userDegreesSumExactlyAtFullScale() {
    DatasetSizes sizes = DatasetSizes.of(new SyntheticSpec(1.0, 5));
    int[] degrees = UserDegrees.allocate(sizes, 5);
    assertEquals(138_493, degrees.length);
    assertEquals(20_000_263L, Arrays.stream(degrees).asLongStream().sum());
    int[] sorted = degrees.clone();
    Arrays.sort(sorted);
    assertEquals(20, sorted[0]);
    assertTrue(sorted[sorted.length - 1] <= sizes.maxUserDegree());
    assertTrue(sorted[sorted.length - 1] > 3_000, "heaviest user " + sorted[sorted.length - 1]);
    int median = sorted[sorted.length / 2];
    assertTrue(median > 40 && median < 110, "median " + median);
  }

  @Test
  void userDegreesSumExactlyWhenTheCapBinds() {
    for (double scale : new double[] {0.0003, 0.001, 0.0123}) {
      DatasetSizes sizes = DatasetSizes.of(new SyntheticSpec(scale, 9));
      int[] degrees = UserDegrees.allocate(sizes, 9);
      assertEquals(sizes.ratings(), Arrays.stream(degrees).asLongStream().sum(), "" + scale);
      for (int d : degrees) {
        assertTrue(d >= 20 && d <= sizes.maxUserDegree(), scale + ": " + d);
      }
    }
  }

  @Test
  void drawnItemsAreDistinctAndFavourTheUsersClusters() {
    SyntheticModel model = new SyntheticModel(new SyntheticSpec(0.01, 3));
    ItemDrawer drawer = new ItemDrawer(model.catalogue, model.clusters);
    int[] items = new int[model.sizes.maxUserDegree()];
    long inFavourite = 0;
    double byPopularityAlone = 0;
    for (int userId = 1; userId <= 300; userId++) {
      SplittableRandom rng = model.userRandom(userId);
      UserProfile user = new UserProfile(rng, model.latent, model.clusters);
      // every 10th user gets the largest possible set: the case that exhausts clusters
      int count = userId % 10 == 0 ? model.sizes.maxUserDegree() : model.degrees[userId - 1];
      drawer.draw(user, rng, items, count);
      assertEquals(count, Arrays.stream(items, 0, count).distinct().count(), "distinct");
      int favourite = 0;
      for (int c = 1; c < LatentSpace.CLUSTERS; c++) {
        favourite = user.mixture[c] > user.mixture[favourite] ? c : favourite;
      }
      for (int k = 0; k < count; k++) {
        inFavourite += model.catalogue.clusters[items[k]] == favourite ? 1 : 0;
      }
      byPopularityAlone += count * model.clusters.massShare[favourite];
    }
    double lift = inFavourite / byPopularityAlone;
    assertTrue(lift > 2, "favourite clusters get " + lift + " x their popularity share");
  }

  @Test
  void asciiBufferFormatsNumbersAndHalfStars() throws IOException {
    AsciiBuffer b = new AsciiBuffer(1);
    b.append(0L).append(',').append(1_427_784_002L).append(',').appendHalfStars(1)
        .append(',').appendHalfStars(8).append(',').appendHalfStars(10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.writeTo(out);
    assertEquals("0,1427784002,0.5,4.0,5.0", out.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void seedsDependOnSeedAndStream() {
    assertNotEquals(Seeds.mix(1, 1), Seeds.mix(1, 2));
    assertNotEquals(Seeds.mix(1, 1), Seeds.mix(2, 1));
    assertEquals(Seeds.mix(42, 7), Seeds.mix(42, 7));
  }
}
