package dev.ncfspark.config;

import com.typesafe.config.Config;

/**
 * Negative sampling: {@code evalCount} fixed negatives per evaluated user, and
 * {@code trainPerPositive} fresh negatives per training positive for each of {@code trainEpochs}
 * epochs, uniform or popularity^alpha weighted.
 */
public record NegativesConfig(int evalCount, int trainPerPositive, int trainEpochs, double popularityAlpha) {
  static NegativesConfig from(Config c) {
    return new NegativesConfig(
        ConfigValues.intAtLeast(c, "eval.count", 1),
        ConfigValues.intAtLeast(c, "train.per-positive", 0),
        ConfigValues.intAtLeast(c, "train.epochs", 0),
        ConfigValues.doubleIn(c, "train.popularity-alpha", 0.0, 10.0));
  }
}
