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
public record ModelsConfig(List<ModelDefinition> enabled, Als als, AlsExplicit alsExplicit, ContentKnnConfig contentKnn, Vbpr vbpr,
    NeumfFeatures neumfFeatures, NcfConfig ncf) {

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
   * vbpr: the item modalities whose vectors are concatenated into each item's features ({@code
   * text}, {@code genres} or features.external names), the collaborative factors (gamma) and the
   * width the features are projected to (theta, E). Trained with models.ncf's training settings.
   */
  public record Vbpr(List<String> modalities, int factors, int featureFactors) {}

  /**
   * neumf-features: NeuMF (models.ncf's architecture) whose MLP tower also takes the item's
   * modalities through a dense layer of {@code itemProjection} units and, with {@code
   * userDemographics} where the source has them, the user's one-hot demographics through one of
   * {@code userProjection}.
   */
  public record NeumfFeatures(List<String> modalities, int itemProjection, boolean userDemographics, int userProjection) {}

  /** The item modalities of {@code model} (vbpr, neumf-features; none for the others). */
  public List<String> itemModalities(ModelDefinition model) {
    return switch (model) {
      case VBPR -> vbpr.modalities();
      case NEUMF_FEATURES -> neumfFeatures.modalities();
      case CONTENT_KNN -> List.of(contentKnn.modality());
      default -> List.of();
    };
  }

  /** The modality name of the features stage's text embeddings (and of its genres multi-hot). */
  public static final String TEXT = ContentKnnConfig.TEXT;
  public static final String GENRES = "genres";

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
    Config v = c.getConfig("vbpr");
    Vbpr vbpr = new Vbpr(modalities(v), ConfigValues.intAtLeast(v, "factors", 1), ConfigValues.intAtLeast(v, "feature-factors", 1));
    Config f = c.getConfig("neumf-features");
    NeumfFeatures neumfFeatures = new NeumfFeatures(modalities(f), ConfigValues.intAtLeast(f, "item-projection", 1),
        f.getBoolean("user-demographics"), ConfigValues.intAtLeast(f, "user-projection", 1));
    return new ModelsConfig(List.copyOf(enabled), als, explicit, contentKnn, vbpr, neumfFeatures, NcfConfig.from(c.getConfig("ncf")));
  }

  private static List<String> modalities(Config c) {
    List<String> m = c.getStringList("modalities");
    if (m.isEmpty() || m.size() != new java.util.HashSet<>(m).size()) {
      throw new ConfigException.BadValue(c.origin(), "modalities", "expected one or more distinct modalities (text, genres or "
          + "features.external names), found " + m);
    }
    return List.copyOf(m);
  }
}
