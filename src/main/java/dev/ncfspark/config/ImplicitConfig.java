package dev.ncfspark.config;

import com.typesafe.config.Config;

/** How ratings become implicit positives: every rating, or ratings at or above a threshold. */
public record ImplicitConfig(Mode mode, double threshold) {
  /** all: every rating is a positive (NCF protocol); threshold: rating >= threshold. */
  public enum Mode { ALL, THRESHOLD }

  static ImplicitConfig from(Config c) {
    return new ImplicitConfig(ConfigValues.enumValue(c, "mode", Mode.class), c.getDouble("threshold"));
  }
}
