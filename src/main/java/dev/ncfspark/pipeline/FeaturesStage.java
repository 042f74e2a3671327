package dev.ncfspark.pipeline;

import dev.ncfspark.config.FeaturesConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.features.ExternalFeatures;
import dev.ncfspark.data.features.ItemFeatures;
import dev.ncfspark.data.features.TextEmbeddings;
import dev.ncfspark.data.features.UserFeatures;
import dev.ncfspark.data.features.Vocabulary;
import dev.ncfspark.io.NpyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage 4: side information keyed by the dense ids, for feature-aware models and Python tools.
 * {@code features/items} (item_idx, item, multi-hot genres over {@code features/item_genres},
 * year, text) for every item of the id map; {@code features/users} (user_idx, user, one-hot
 * gender, age group, occupation and their concatenation over {@code features/user_vocabulary})
 * when the source has user attributes; the items' text embeddings ({@code text_embedding}) when
 * an enabled model needs them or {@code features.text-embedding = on}; every matrix as a NumPy
 * file in {@code features/npy/} (row k = dense id k). Only the evaluate stage's side-information
 * models read them (their stage adds this stage's configuration to its fingerprint), so this
 * stage stays out of the preparation's fingerprints.
 */
final class FeaturesStage extends PipelineStage {
  static final String NAME = "features";
  static final String ITEMS = NAME + "/items";
  static final String ITEM_GENRES = NAME + "/item_genres";
  static final String USERS = NAME + "/users";
  static final String USER_VOCABULARY = NAME + "/user_vocabulary";
  static final String ITEM_GENRES_NPY = NAME + "/npy/item_genres.npy";
  static final String USER_DEMOGRAPHICS_NPY = NAME + "/npy/user_demographics.npy";
  static final String TEXT_NPY = NAME + "/npy/text.npy";

  FeaturesStage() {
    super(NAME, "features");
  }

  @Override
  boolean feedsLaterStages() {
    return false;
  }

  /** With text-embedding = auto, whether the texts are embedded depends on the enabled models. */
  @Override
  String fingerprintExtras(dev.ncfspark.config.ExperimentConfig config) {
    return "embeds-text=" + config.embedsItemText();
  }

  @Override
  StageStats run(StageContext ctx) {
    FeaturesConfig cfg = ctx.config().features();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("enabled", cfg.enabled());
    if (!cfg.enabled()) {
      return new StageStats(0, 0, 0, 0, details);
    }
    long items = writeItems(ctx, cfg, details);
    long users = writeUsers(ctx, details);
    details.put("modalities", writeModalities(ctx, cfg));
    return new StageStats(items + users, users, items, 0, details);
  }

  private static long writeItems(StageContext ctx, FeaturesConfig cfg, Map<String, Object> details) {
    Optional<Dataset<Row>> metadata = ingested(ctx, IngestStage.ITEMS);
    Optional<Dataset<Row>> tags = cfg.tags() ? ingested(ctx, IngestStage.TAGS) : Optional.empty();
    Dataset<Row> index = ctx.read(IndexStage.ITEMS);
    Vocabulary genres = metadata.map(ItemFeatures::genreVocabulary).orElse(new Vocabulary(ItemFeatures.GENRE, List.of()));
    ctx.write(ItemFeatures.vocabularyTable(ctx.spark(), genres), ITEM_GENRES);
    Dataset<Row> items = ItemFeatures.of(index, metadata, tags, genres);
    boolean embed = ctx.config().embedsItemText();
    if (embed) {
      // spread over every core: the embedding is the expensive part of the stage
      items = TextEmbeddings.withEmbedding(items.repartition(ctx.spark().sparkContext().defaultParallelism(), items.col(Columns.ITEM_IDX)),
          ItemFeatures.TEXT, ItemFeatures.TEXT_EMBEDDING, cfg.textEmbeddingBatch());
    }
    long start = System.nanoTime();
    ctx.write(items, ITEMS);
    double writeSeconds = (System.nanoTime() - start) / 1e9;
    Dataset<Row> written = ctx.read(ITEMS);
    Matrix matrix = npy(written, Columns.ITEM_IDX, ItemFeatures.GENRES, genres.size());
    ctx.run().writeBytes(ITEM_GENRES_NPY, matrix.npy());
    details.put("text_embedding", embed);
    if (embed) {
      Matrix text = npy(written, Columns.ITEM_IDX, ItemFeatures.TEXT_EMBEDDING, TextEmbeddings.DIMENSIONS);
      ctx.run().writeBytes(TEXT_NPY, text.npy());
      details.put("text_embedding_model", TextEmbeddings.MODEL);
      details.put("text_embedding_dimensions", TextEmbeddings.DIMENSIONS);
      details.put("items_with_text_embedding", text.nonNull());
      details.put("text_embedding_seconds", Math.round(writeSeconds * 10) / 10.0);
    }
    details.put("genre_vocabulary_size", genres.size());
    details.put("items_with_metadata", metadata.map(m -> matched(index, m, Columns.ITEM)).orElse(0L));
    details.put("items_with_tags", tags.map(t -> matched(index, ItemFeatures.itemTags(t), Columns.ITEM)).orElse(0L));
    return matrix.rows();
  }

  /** features/modality_&lt;name&gt; (every item of the id map, a null vector where it has none) and its .npy per external modality. */
  private static Map<String, Object> writeModalities(StageContext ctx, FeaturesConfig cfg) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (FeaturesConfig.ExternalModality m : cfg.external()) {
      ExternalFeatures.Vectors vectors = ExternalFeatures.read(ctx.spark(), m);
      try {
        Dataset<Row> table = ctx.read(IndexStage.ITEMS)
            .join(vectors.table().select(Columns.ITEM, ExternalFeatures.VECTOR), new String[] {Columns.ITEM}, "left")
            .select(Columns.ITEM_IDX, Columns.ITEM, ExternalFeatures.VECTOR);
        ctx.write(table, modalityTable(m.name()));
        Matrix matrix = npy(ctx.read(modalityTable(m.name())), Columns.ITEM_IDX, ExternalFeatures.VECTOR, vectors.dimension());
        ctx.run().writeBytes(modalityNpy(m.name()), matrix.npy());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("format", dev.ncfspark.config.ConfigValues.kebab(m.format()));
        d.put("dimension", vectors.dimension());
        d.put("required", m.required());
        d.put("items_with_vector", matrix.nonNull());
        d.put("items", matrix.rows());
        out.put(m.name(), d);
      } finally {
        vectors.table().unpersist();
      }
    }
    return out;
  }

  /** Where the features stage writes an external modality's table. */
  static String modalityTable(String name) {
    return NAME + "/modality_" + name;
  }

  /** Where the features stage writes an external modality's .npy. */
  static String modalityNpy(String name) {
    return NAME + "/npy/" + name + ".npy";
  }

  /** features/users and its .npy when ingest found user attributes; nothing (0 users) otherwise. */
  private static long writeUsers(StageContext ctx, Map<String, Object> details) {
    Optional<Dataset<Row>> metadata = ingested(ctx, IngestStage.USERS);
    details.put("has_user_features", metadata.isPresent());
    if (metadata.isEmpty()) {
      details.put("users_with_demographics", 0L);
      return 0;
    }
    Dataset<Row> index = ctx.read(IndexStage.USERS);
    UserFeatures.Vocabularies vocabularies = UserFeatures.vocabularies(metadata.get());
    ctx.write(UserFeatures.vocabularyTable(ctx.spark(), vocabularies), USER_VOCABULARY);
    ctx.write(UserFeatures.of(index, metadata.get(), vocabularies), USERS);
    Matrix matrix = npy(ctx.read(USERS), Columns.USER_IDX, UserFeatures.DEMOGRAPHICS, vocabularies.size());
    ctx.run().writeBytes(USER_DEMOGRAPHICS_NPY, matrix.npy());
    details.put("demographics_size", vocabularies.size());
    details.put("users_with_demographics", matched(index, metadata.get(), Columns.USER));
    return matrix.rows();
  }

  /** An ingest output the source may not have (ingest deletes its folder before writing, so a present table is current). */
  private static Optional<Dataset<Row>> ingested(StageContext ctx, String table) {
    return ctx.run().exists(table) ? Optional.of(ctx.read(table)) : Optional.empty();
  }

  /** Rows of {@code index} whose id occurs in {@code other}. */
  private static long matched(Dataset<Row> index, Dataset<Row> other, String idColumn) {
    return index.join(other.select(idColumn), new String[] {idColumn}, "left_semi").count();
  }

  /** A feature matrix encoded as .npy, its rows (the table's, read once), and the rows whose vector was not null. */
  record Matrix(byte[] npy, long rows, long nonNull) {}

  /**
   * The {@code vector} column of {@code table} as a float32 .npy matrix whose row k is dense id k
   * (zeros where the vector is null: an item without text has no embedding). Collected to the driver in id order: side-information tables have at most tens of thousands
   * of rows of a few dozen floats.
   */
  static Matrix npy(Dataset<Row> table, String idColumn, String vector, int columns) {
    List<Row> rows = table.select(idColumn, vector).orderBy(idColumn).collectAsList();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      NpyWriter npy = NpyWriter.float32(bytes, rows.size(), columns);
      float[] values = new float[columns];
      long nonNull = 0;
      for (int k = 0; k < rows.size(); k++) {
        Row r = rows.get(k);
        if (r.getInt(0) != k) {
          throw new IllegalStateException(idColumn + " " + r.getInt(0) + " at row " + k + ": the dense ids are not 0.." + (rows.size() - 1));
        }
        if (r.isNullAt(1)) {
          npy.writeRow(new float[columns]);
          continue;
        }
        nonNull++;
        List<Float> v = r.getList(1);
        if (v.size() != columns) {
          throw new IllegalStateException(vector + " of " + idColumn + " " + k + " has " + v.size() + " values, expected " + columns);
        }
        for (int c = 0; c < columns; c++) {
          values[c] = v.get(c);
        }
        npy.writeRow(values);
      }
      npy.finish();
      return new Matrix(bytes.toByteArray(), rows.size(), nonNull);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + vector + " as .npy", e);
    }
  }
}
