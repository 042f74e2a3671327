package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.ncfspark.models.ModelDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Which models the run trains and evaluates, and their hyper-parameters: the baselines (fitted by
 * the evaluate stage) and the NCF models (trained by the train stage).
 */
public record ModelsConfig(List<ModelDefinition> enabled, Als als, AlsExplicit alsExplicit, ContentKnnConfig contentKnn, NcfConfig ncf) {

  /** Implicit ALS: single values and optional grid lists (searched on validation). */
  public record Als(int rank, double regParam, double alpha, int maxIter, List<Integer> gridRank, List<Double> gridRegParam, List<Double> gridAlpha) {}

  /** Explicit ALS for rating prediction. */
  public record AlsExplicit(int rank, double regParam, int maxIter) {}

  /**
   * content-knn: the item vectors it uses ({@code text}: the features stage's text embeddings, or
   * the name of a features.external modality), how a training item weighs in its user's profile,
   * and whether the item vectors are centred on their mean first.
   */
  public record ContentKnnConfig(String modality, dev.ncfspark.models.ContentKnn.Weight weight, boolean center) {
    /** The modality that means the features stage's text embeddings. */
    public static final String TEXT = "text";

    public boolean usesText() {
      return TEXT.equals(modality);
    }
  }

  /**
   * The enabled models the train stage trains, in training order (the order of {@link
   * ModelDefinition}: NeuMF after GMF and MLP, whose weights can pre-train it).
   */
  public List<ModelDefinition> enabledTrainedByTrainStage() {
    return java.util.Arrays.stream(ModelDefinition.values()).filter(m -> m.trainedByTrainStage() && enabled.contains(m)).toList();
  }

  /** Whether the model called {@code name} is enabled. */
  public boolean isEnabled(String name) {
    return ModelDefinition.byName(name).map(enabled::contains).orElse(false);
  }

  static ModelsConfig from(Config c) {
    List<ModelDefinition> enabled = new ArrayList<>();
    for (String m : c.getStringList("enabled")) {
      ModelDefinition model = ModelDefinition.byName(m).orElseThrow(() -> new ConfigException.BadValue(c.origin(), "enabled",
          "unknown model '" + m + "': expected any of " + ModelDefinition.names(ModelDefinition.Task.RANKING) + " (ranking) or "
              + ModelDefinition.names(ModelDefinition.Task.RATING_PREDICTION) + " (rating prediction)"));
      if (enabled.contains(model)) {
        throw new ConfigException.BadValue(c.origin(), "enabled", "model '" + m + "' is listed twice");
      }
      enabled.add(model);
    }
    Config a = c.getConfig("als");
    Als als = new Als(ConfigValues.intAtLeast(a, "rank", 1), ConfigValues.doubleIn(a, "reg-param", 0, 1e6),
        ConfigValues.doubleIn(a, "alpha", 0, 1e6), ConfigValues.intAtLeast(a, "max-iter", 1),
        a.getIntList("grid.rank"), a.getDoubleList("grid.reg-param"), a.getDoubleList("grid.alpha"));
    Config e = c.getConfig("als-explicit");
    AlsExplicit explicit = new AlsExplicit(ConfigValues.intAtLeast(e, "rank", 1), ConfigValues.doubleIn(e, "reg-param", 0, 1e6),
        ConfigValues.intAtLeast(e, "max-iter", 1));
    ContentKnnConfig contentKnn = new ContentKnnConfig(c.getString("content-knn.modality"), ConfigValues.enumValue(c.getConfig("content-knn"), "weight",
        dev.ncfspark.models.ContentKnn.Weight.class), c.getBoolean("content-knn.center"));
    return new ModelsConfig(List.copyOf(enabled), als, explicit, contentKnn, NcfConfig.from(c.getConfig("ncf")));
  }
}
