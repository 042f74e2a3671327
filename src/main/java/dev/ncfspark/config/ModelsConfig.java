package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.Set;

/**
 * Which models the run trains and evaluates, and their hyper-parameters: the baselines (fitted by
 * the evaluate stage) and the NCF models (trained by the train stage).
 */
public record ModelsConfig(List<String> enabled, Als als, AlsExplicit alsExplicit, NcfConfig ncf) {
  /** Ranking models (scored by the ranking protocols). */
  public static final Set<String> RANKING = Set.of("most-pop", "random", "als", "gmf", "mlp", "neumf");
  /** Rating models (RMSE/MAE). */
  public static final Set<String> RATING = Set.of("als-explicit", "global-mean", "majority-rating", "random-rating", "frequency-random-rating");

  /** Implicit ALS: single values and optional grid lists (searched on validation). */
  public record Als(int rank, double regParam, double alpha, int maxIter, List<Integer> gridRank, List<Double> gridRegParam, List<Double> gridAlpha) {}

  /** Explicit ALS for rating prediction. */
  public record AlsExplicit(int rank, double regParam, int maxIter) {}

  /** The enabled NCF models, in training order. */
  public List<String> enabledNcf() {
    return NcfConfig.MODELS.stream().filter(enabled::contains).toList();
  }

  static ModelsConfig from(Config c) {
    List<String> enabled = c.getStringList("enabled");
    for (String m : enabled) {
      if (!RANKING.contains(m) && !RATING.contains(m)) {
        throw new ConfigException.BadValue(c.origin(), "enabled", "unknown model '" + m + "': expected any of " + RANKING + " or " + RATING);
      }
    }
    Config a = c.getConfig("als");
    Als als = new Als(ConfigValues.intAtLeast(a, "rank", 1), ConfigValues.doubleIn(a, "reg-param", 0, 1e6),
        ConfigValues.doubleIn(a, "alpha", 0, 1e6), ConfigValues.intAtLeast(a, "max-iter", 1),
        a.getIntList("grid.rank"), a.getDoubleList("grid.reg-param"), a.getDoubleList("grid.alpha"));
    Config e = c.getConfig("als-explicit");
    AlsExplicit explicit = new AlsExplicit(ConfigValues.intAtLeast(e, "rank", 1), ConfigValues.doubleIn(e, "reg-param", 0, 1e6),
        ConfigValues.intAtLeast(e, "max-iter", 1));
    return new ModelsConfig(List.copyOf(enabled), als, explicit, NcfConfig.from(c.getConfig("ncf")));
  }
}
