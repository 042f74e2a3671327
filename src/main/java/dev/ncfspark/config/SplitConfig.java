package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/** Which train/validation/test split to make and its parameters. */
public record SplitConfig(
    Kind kind,
    boolean validation,
    double trainRatio,
    double validationRatio,
    double testRatio,
    ColdStart coldStart,
    TemporalCut temporal) {

  /** The split protocols. */
  public enum Kind { LEAVE_ONE_OUT, USER_RANDOM, GLOBAL_RANDOM, TEMPORAL }

  /** Validation/test rows whose user or item is absent from train: move to train, drop, or keep. */
  public enum ColdStart { MOVE, DROP, KEEP }

  /** Global temporal cut: by quantile of all timestamps or at fixed timestamps (seconds). */
  public record TemporalCut(boolean byQuantile, double testQuantile, double validationQuantile, long testTimestamp, long validationTimestamp) {}

  static SplitConfig from(Config c) {
    List<Double> ratios = c.getDoubleList("ratios");
    if (ratios.size() != 3 || ratios.stream().anyMatch(r -> r < 0) || Math.abs(ratios.stream().mapToDouble(Double::doubleValue).sum() - 1.0) > 1e-9
        || ratios.get(0) <= 0) {
      throw new ConfigException.BadValue(c.origin(), "ratios", "expected [train, validation, test] >= 0 summing to 1 with train > 0, found " + ratios);
    }
    Config t = c.getConfig("temporal");
    String cut = t.getString("cut");
    if (!cut.equals("quantile") && !cut.equals("timestamp")) {
      throw new ConfigException.BadValue(t.origin(), "cut", "expected quantile or timestamp, found '" + cut + "'");
    }
    TemporalCut temporal = new TemporalCut(cut.equals("quantile"),
        ConfigValues.doubleIn(t, "test-quantile", 0.0, 1.0), ConfigValues.doubleIn(t, "validation-quantile", 0.0, 1.0),
        t.getLong("test-timestamp"), t.getLong("validation-timestamp"));
    if (temporal.byQuantile() && temporal.validationQuantile() > temporal.testQuantile()) {
      throw new ConfigException.BadValue(t.origin(), "validation-quantile", "must be <= test-quantile");
    }
    return new SplitConfig(ConfigValues.enumValue(c, "kind", Kind.class), c.getBoolean("validation"),
        ratios.get(0), ratios.get(1), ratios.get(2), ConfigValues.enumValue(c, "cold-start", ColdStart.class), temporal);
  }
}
