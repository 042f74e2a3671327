package dev.ncfspark.config;

import com.typesafe.config.Config;

/**
 * Iterative core-k filtering: every kept user has at least {@code userK} interactions and
 * every kept item at least {@code itemK}; {@code maxIterations} bounds the rounds.
 */
public record CoreKConfig(int userK, int itemK, int maxIterations) {
  public CoreKConfig {
    if (userK < 1 || itemK < 1 || maxIterations < 1) {
      throw new IllegalArgumentException("core-k needs user-k >= 1, item-k >= 1, max-iterations >= 1");
    }
  }

  static CoreKConfig from(Config c) {
    return new CoreKConfig(
        ConfigValues.intAtLeast(c, "user-k", 1), ConfigValues.intAtLeast(c, "item-k", 1), ConfigValues.intAtLeast(c, "max-iterations", 1));
  }
}
