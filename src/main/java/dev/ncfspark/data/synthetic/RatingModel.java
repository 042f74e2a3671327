package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * The rating value: {@code global + user bias + item bias + affinity + noise}, rounded to half
 * stars (or whole stars for whole-star users) and clamped to 0.5..5.0. The affinity is {@code
 * user . item factors} minus its mean over the user's own items: it decides which of her movies
 * she likes more, while her overall level stays her bias. This keeps the mean rating about 3.5
 * (ML-20M: 3.53) at every scale, however concentrated the users' choices are.
 */
final class RatingModel {
  /** Chosen so the mean over all ratings (after rounding and clamping) is about 3.5. */
  static final double GLOBAL = 3.60;
  static final double NOISE_SIGMA = 0.75;

  private RatingModel() {}

  /**
   * The rating in half stars, 1..10 (i.e. 0.5..5.0).
   *
   * @param affinity the user's centred affinity for the item (see the class comment)
   */
  static int halfStars(UserProfile user, Catalogue catalogue, int item, double affinity,
      SplittableRandom rng) {
    double x = GLOBAL + user.bias + catalogue.bias[item] + affinity
        + NOISE_SIGMA * rng.nextGaussian();
    if (user.halfStars) {
      return (int) Math.max(1, Math.min(10, Math.round(2 * x)));
    }
    return 2 * (int) Math.max(1, Math.min(5, Math.round(x)));
  }
}
