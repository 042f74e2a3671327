package dev.ncfspark.data.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates one user's ratings.csv rows: her profile, her distinct items, a random time order
 * over them (independent of movieId), timestamps, and rating values; rows are emitted sorted by
 * movieId. Everything comes from the user's own seeded generator, so a user's rows do not depend
 * on which thread generates them or on other users.
 *
 * <p>Holds per-thread scratch space; not thread-safe.
 */
final class UserRatingsGenerator {
  private final SyntheticModel model;
  private final ItemDrawer drawer;
  private final int[] items;
  private final long[] times;
  private final long[] keys;
  private final double[] affinity;

  UserRatingsGenerator(SyntheticModel model) {
    this.model = model;
    this.drawer = new ItemDrawer(model.catalogue, model.clusters);
    int max = model.sizes.maxUserDegree();
    items = new int[max];
    times = new long[max];
    keys = new long[max];
    affinity = new double[max];
  }

  /** Appends user {@code userId}'s rows ({@code userId,movieId,rating,timestamp\n}) to out. */
  void appendRows(int userId, AsciiBuffer out) {
    int count = model.degrees[userId - 1];
    SplittableRandom rng = model.userRandom(userId);
    UserProfile user = new UserProfile(rng, model.latent, model.clusters);
    drawer.draw(user, rng, items, count);
    // Draw order favours popular items; rate them in a uniformly random order instead.
    for (int k = count - 1; k > 0; k--) {
      int j = rng.nextInt(k + 1);
      int tmp = items[k];
      items[k] = items[j];
      items[j] = tmp;
    }
    Timeline.fill(rng, times, count);
    Catalogue catalogue = model.catalogue;
    double meanDot = 0;
    for (int k = 0; k < count; k++) {
      affinity[k] = LatentSpace.dot(user.factors, catalogue.factors, items[k]);
      meanDot += affinity[k];
    }
    meanDot /= count;
    for (int k = 0; k < count; k++) {
      keys[k] = ((long) items[k] << 32) | k; // item index order == movieId order
    }
    Arrays.sort(keys, 0, count);
    for (int k = 0; k < count; k++) {
      int item = (int) (keys[k] >>> 32);
      int position = (int) keys[k];
      out.append((long) userId).append(',')
          .append((long) catalogue.movieIds[item]).append(',')
          .appendHalfStars(RatingModel.halfStars(
              user, catalogue, item, affinity[position] - meanDot, rng)).append(',')
          .append(times[position]).append('\n');
    }
  }
}
