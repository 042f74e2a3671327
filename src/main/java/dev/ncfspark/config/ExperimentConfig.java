package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;

/**
 * One whole experiment (dataset, filters, features, split, negatives, seeds, paths) as typed, validated
 * sections. Built from HOCON by {@link ExperimentConfigLoader}; the raw tree is kept so that
 * manifests record exactly what ran.
 */
public record ExperimentConfig(
    Config raw,
    RunConfig run,
    DatasetConfig dataset,
    ImplicitConfig implicitFeedback,
    CoreKConfig coreK,
    FeaturesConfig features,
    SplitConfig split,
    NegativesConfig negatives,
    ModelsConfig models,
    EvaluationConfig evaluation,
    String checkpointDir) {

  public static ExperimentConfig from(Config c) {
    ExperimentConfig config = new ExperimentConfig(
        c,
        RunConfig.from(c.getConfig("run")),
        DatasetConfig.from(c.getConfig("dataset")),
        ImplicitConfig.from(c.getConfig("implicit")),
        CoreKConfig.from(c.getConfig("filter")),
        FeaturesConfig.from(c.getConfig("features")),
        SplitConfig.from(c.getConfig("split")),
        NegativesConfig.from(c.getConfig("negatives")),
        ModelsConfig.from(c.getConfig("models")),
        EvaluationConfig.from(c.getConfig("evaluation")),
        c.getString("spark.checkpoint-dir"));
    config.checkSideInformation();
    return config;
  }

  /** Whether an enabled model reads the features stage's item vectors (then the evaluate stage depends on its configuration). */
  public boolean modelsReadFeatures() {
    return !featureModels().isEmpty();
  }

  /** Whether an enabled model reads the items' text embeddings. */
  public boolean modelsNeedItemText() {
    return featureModels().stream().anyMatch(m -> models.itemModalities(m).contains(ModelsConfig.TEXT));
  }

  /** Whether the features stage embeds the items' texts in this experiment. */
  public boolean embedsItemText() {
    return features.embedsText(modelsNeedItemText());
  }

  private java.util.List<dev.ncfspark.models.ModelDefinition> featureModels() {
    return models.enabled().stream().filter(m -> m.needs().contains(dev.ncfspark.models.ModelDefinition.Need.ITEM_FEATURES)).toList();
  }

  /** A model that reads the features stage's item vectors is not enabled without them. */
  private void checkSideInformation() {
    if (!modelsReadFeatures()) {
      return;
    }
    if (!features.enabled()) {
      throw new com.typesafe.config.ConfigException.BadValue(raw.origin(), "models.enabled", "models " + featureModels()
          + " read the features stage's item vectors: expected features.enabled = true");
    }
    if (modelsNeedItemText() && !embedsItemText()) {
      throw new com.typesafe.config.ConfigException.BadValue(raw.origin(), "models.enabled", "models " + featureModels()
          + " need the items' text embeddings: expected features.text-embedding = auto or on, found "
          + ConfigValues.kebab(features.textEmbedding()));
    }
    java.util.List<String> external = features.external().stream().map(FeaturesConfig.ExternalModality::name).toList();
    for (dev.ncfspark.models.ModelDefinition model : featureModels()) {
      for (String modality : models.itemModalities(model)) {
        boolean known = modality.equals(ModelsConfig.TEXT) || external.contains(modality)
            || (modality.equals(ModelsConfig.GENRES) && model != dev.ncfspark.models.ModelDefinition.CONTENT_KNN);
        if (!known) {
          String key = model == dev.ncfspark.models.ModelDefinition.CONTENT_KNN ? "modality" : "modalities";
          throw new com.typesafe.config.ConfigException.BadValue(raw.origin(), "models." + model.configName() + "." + key,
              "expected text" + (model == dev.ncfspark.models.ModelDefinition.CONTENT_KNN ? "" : ", genres")
              + " or the name of a features.external modality " + external + ", found '" + modality + "'");
        }
      }
    }
  }

  /** The sub-tree at {@code path} as canonical JSON (sorted keys, no comments): stable for hashing. */
  public String sectionJson(String path) {
    return raw.getValue(path).render(ConfigRenderOptions.concise().setJson(true));
  }

  /** The whole configuration as JSON, for manifests. */
  public String toJson() {
    return raw.root().render(ConfigRenderOptions.concise().setJson(true).setFormatted(true));
  }
}
