package dev.ncfspark.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data carries structure that collaborative filtering can learn, measured from the files
 * alone (see {@link SyntheticLearnabilityProbe}), and each check is shown to fail on a
 * structure-free control built from the same data.
 */
class SyntheticLearnabilityTest {
  @TempDir static Path tmp;
  static SyntheticRatingsTable table;

  @BeforeAll
  static void generate() throws IOException {
    SyntheticMovieLensGenerator.Summary s =
        new SyntheticMovieLensGenerator(new SyntheticSpec(0.01, 2015)).writeTo(tmp);
    table = SyntheticRatingsTable.read(s.ratingsFile(), s.ratings());
  }

  @Test
  void whichItemsUsersRateIsPredictableBeyondPopularity() {
    double[] real = SyntheticLearnabilityProbe.leaveLatestOut(table).hitRates();
    String figures = String.format("HR@10 popularity %.3f, co-occurrence %.3f", real[0], real[1]);
    assertTrue(real[0] > 0.05, "popularity is informative: " + figures);
    assertTrue(real[1] > 1.5 * real[0], figures);
    assertTrue(real[1] - real[0] > 0.1, figures);
  }

  @Test
  void coOccurrenceDoesNotBeatPopularityWhenItemsFollowPopularityOnly() {
    double[] control = SyntheticLearnabilityProbe
        .leaveLatestOut(table.withPopularityOnlyItems(11)).hitRates();
    assertTrue(control[1] < 1.1 * control[0], String.format(
        "control HR@10 popularity %.3f, co-occurrence %.3f", control[0], control[1]));
  }

  @Test
  void ratingValuesHaveBiasAndInteractionStructure() {
    double[] rmse = SyntheticLearnabilityProbe.holdOutLatest(table, 0.2).rmse();
    String figures = String.format("RMSE user mean %.4f, biases %.4f, biases+kNN %.4f",
        rmse[0], rmse[1], rmse[2]);
    assertTrue(rmse[1] < 0.97 * rmse[0], "item biases help: " + figures);
    assertTrue(rmse[2] < 0.985 * rmse[1], "user-item interactions help: " + figures);
  }

  @Test
  void ratingChecksFindNothingWhenValuesAreShuffledWithinUsers() {
    double[] rmse = SyntheticLearnabilityProbe
        .holdOutLatest(table.withRatingsShuffledWithinUsers(11), 0.2).rmse();
    String figures = String.format("control RMSE user mean %.4f, biases %.4f, biases+kNN %.4f",
        rmse[0], rmse[1], rmse[2]);
    assertTrue(rmse[1] > 0.99 * rmse[0], figures);
    assertTrue(rmse[2] > 0.995 * rmse[1], figures);
  }
}
