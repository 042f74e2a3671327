package dev.ncfspark.config;

import com.typesafe.config.Config;

/**
 * The features stage: whether it writes the item and user side information (and its .npy
 * exports) at all, and whether an item's text ends with the tags users gave it, where the
 * dataset has tags.
 */
public record FeaturesConfig(boolean enabled, boolean tags) {
  static FeaturesConfig from(Config c) {
    return new FeaturesConfig(c.getBoolean("enabled"), c.getBoolean("tags"));
  }
}
