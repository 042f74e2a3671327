package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The features stage: whether it writes the item and user side information (and its .npy
 * exports) at all, whether an item's text ends with the tags users gave it where the dataset has
 * tags, whether (and how many at a time) the items' texts are embedded by the sentence
 * transformer, and the item feature files of other modalities the run reads.
 *
 * @param enabled            false: the stage writes nothing but its marker
 * @param tags               an item's text ends with its tags, where the dataset has them
 * @param textEmbedding      ON, OFF, or AUTO: embed when an enabled model needs the embeddings
 * @param textEmbeddingBatch texts a task embeds in one call of the model
 * @param external           item feature files, one per modality (visual, audio, ...), keyed by the original item id
 * @param missingModality    where the items without a vector of a required modality are dropped
 */
public record FeaturesConfig(boolean enabled, boolean tags, TextEmbedding textEmbedding, int textEmbeddingBatch,
    List<ExternalModality> external, MissingModality missingModality) {

  /** Whether the features stage embeds the items' texts. */
  public enum TextEmbedding { AUTO, ON, OFF }

  /**
   * Where the filter stage drops the interactions of items that lack a required modality: before
   * core-k (which then runs on what is left), or after it (core-k's result is not filtered again,
   * as in MMRec's ML-1M preparation: 999,611 ratings after core-5, 946,780 with every modality).
   */
  public enum MissingModality { BEFORE_CORE_K, AFTER_CORE_K }

  /** How a modality's vectors are stored. */
  public enum Format {
    /** A Parquet table: the id column and an array column of floats or doubles. */
    PARQUET,
    /** A CSV file (or folder of them) with a header: the id column, then one column per dimension. */
    CSV,
    /** A folder of {@code <item id>.npy} files, one float32/float64 vector each (Ducho's output). */
    NPY_FOLDER
  }

  /**
   * One modality's feature file.
   *
   * @param name         the modality's name: features/modality_&lt;name&gt; and features/npy/&lt;name&gt;.npy
   * @param path         the file or folder (local, HDFS, s3a://)
   * @param format       how it is stored
   * @param idColumn     parquet and csv: the column of original item ids
   * @param vectorColumn parquet: the array column of the vector
   * @param required     whether items without a vector of this modality are dropped (features.missing-modality)
   */
  public record ExternalModality(String name, String path, Format format, String idColumn, String vectorColumn, boolean required) {}

  /** Names the stage's own exports have: an external modality cannot take them. */
  static final Set<String> RESERVED = Set.of("text", "item_genres", "user_demographics", "items", "users");

  /** Whether the items' texts are embedded, given whether an enabled model needs them. */
  public boolean embedsText(boolean neededByAModel) {
    return enabled && (textEmbedding == TextEmbedding.ON || (textEmbedding == TextEmbedding.AUTO && neededByAModel));
  }

  /** The modalities every kept item must have. */
  public List<ExternalModality> requiredModalities() {
    return external.stream().filter(ExternalModality::required).toList();
  }

  static FeaturesConfig from(Config c) {
    Config defaults = ConfigFactory.parseMap(Map.of("format", "parquet", "id-column", "item", "vector-column", "vector", "required", true));
    List<ExternalModality> external = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Config m : c.getConfigList("external")) {
      Config e = m.withFallback(defaults);
      for (String key : e.root().keySet()) {
        if (!Set.of("name", "path", "format", "id-column", "vector-column", "required").contains(key)) {
          throw new ConfigException.BadValue(m.origin(), "external." + key, "unknown key of a modality: expected name, path, format, "
              + "id-column, vector-column, required");
        }
      }
      String name = e.getString("name");
      if (!name.matches("[a-z0-9][a-z0-9_-]*") || RESERVED.contains(name) || !names.add(name)) {
        throw new ConfigException.BadValue(m.origin(), "external.name", "expected a unique lower-case name of letters, digits, '_' or "
            + "'-', not one of " + RESERVED + ", found '" + name + "'");
      }
      String path = e.getString("path");
      if (path.isBlank()) {
        throw new ConfigException.BadValue(m.origin(), "external.path", "modality '" + name + "' has no path");
      }
      external.add(new ExternalModality(name, path, ConfigValues.enumValue(e, "format", Format.class), e.getString("id-column"),
          e.getString("vector-column"), e.getBoolean("required")));
    }
    FeaturesConfig f = new FeaturesConfig(c.getBoolean("enabled"), c.getBoolean("tags"),
        ConfigValues.enumValue(c, "text-embedding", TextEmbedding.class), ConfigValues.intAtLeast(c, "text-embedding-batch", 1),
        List.copyOf(external), ConfigValues.enumValue(c, "missing-modality", MissingModality.class));
    return f;
  }
}
