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

  /** Whether an enabled model reads the items' text embeddings. */
  public boolean modelsNeedItemText() {
    return models.enabled().stream().anyMatch(m -> m.needs().contains(dev.ncfspark.models.ModelDefinition.Need.ITEM_TEXT_EMBEDDINGS));
  }

  /** Whether the features stage embeds the items' texts in this experiment. */
  public boolean embedsItemText() {
    return features.embedsText(modelsNeedItemText());
  }

  /** A model that needs the features stage's item text embeddings is not enabled without them. */
  private void checkSideInformation() {
    if (modelsNeedItemText() && !embedsItemText()) {
      throw new com.typesafe.config.ConfigException.BadValue(raw.origin(), "models.enabled", "models "
          + models.enabled().stream().filter(m -> m.needs().contains(dev.ncfspark.models.ModelDefinition.Need.ITEM_TEXT_EMBEDDINGS)).toList()
          + " need the items' text embeddings: expected features.enabled = true and features.text-embedding = auto or on, found "
          + "features.enabled = " + features.enabled() + ", features.text-embedding = " + ConfigValues.kebab(features.textEmbedding()));
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
