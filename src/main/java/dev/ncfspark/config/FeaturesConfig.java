package dev.ncfspark.config;

import com.typesafe.config.Config;

/**
 * The features stage: whether it writes the item and user side information (and its .npy
 * exports) at all, whether an item's text ends with the tags users gave it where the dataset has
 * tags, and whether (and how many at a time) the items' texts are embedded by the sentence
 * transformer.
 *
 * @param enabled            false: the stage writes nothing but its marker
 * @param tags               an item's text ends with its tags, where the dataset has them
 * @param textEmbedding      ON, OFF, or AUTO: embed when an enabled model needs the embeddings
 * @param textEmbeddingBatch texts a task embeds in one call of the model
 */
public record FeaturesConfig(boolean enabled, boolean tags, TextEmbedding textEmbedding, int textEmbeddingBatch) {

  /** Whether the features stage embeds the items' texts. */
  public enum TextEmbedding { AUTO, ON, OFF }

  /** Whether the items' texts are embedded, given whether an enabled model needs them. */
  public boolean embedsText(boolean neededByAModel) {
    return enabled && (textEmbedding == TextEmbedding.ON || (textEmbedding == TextEmbedding.AUTO && neededByAModel));
  }

  static FeaturesConfig from(Config c) {
    return new FeaturesConfig(c.getBoolean("enabled"), c.getBoolean("tags"),
        ConfigValues.enumValue(c, "text-embedding", TextEmbedding.class), ConfigValues.intAtLeast(c, "text-embedding-batch", 1));
  }
}
