package dev.ncfspark.data.features;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.ingest.IngestResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Item side information keyed by dense id: one row per item of the id map (item_idx, item), with
 * its genres as a multi-hot float vector over the genre vocabulary, its release year and a text
 * ("Title. Genres: a, b. Tags: x, y") for a later text embedding. An item without metadata gets a
 * zero vector, a null year and only its tags as text (none: the empty string).
 */
public final class ItemFeatures {
  /** Multi-hot genres (array of floats, one per vocabulary genre). */
  public static final String GENRES = "genres";
  /** Release year from the title, null when it has none. */
  public static final String YEAR = "year";
  public static final String TEXT = "text";
  /** The text's sentence embedding ({@link TextEmbeddings}), when the features stage embeds. */
  public static final String TEXT_EMBEDDING = "text_embedding";
  /** An item's distinct tags, most applied first ({@link #itemTags}). */
  public static final String TAGS = "tags";
  /** Columns of the genre vocabulary table ({@link #vocabularyTable}). */
  public static final String POSITION = "position";
  public static final String GENRE = "genre";

  private ItemFeatures() {}

  /** The dataset's genres (of every item with metadata, sorted by name). */
  public static Vocabulary genreVocabulary(Dataset<Row> metadata) {
    return Vocabulary.of(GENRE, metadata.select(explode(col(IngestResult.GENRES))));
  }

  /** (position, genre): the genre each element of the {@link #GENRES} vector stands for. */
  public static Dataset<Row> vocabularyTable(SparkSession spark, Vocabulary genres) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < genres.size(); i++) {
      rows.add(RowFactory.create(i, genres.values().get(i)));
    }
    StructType schema = new StructType().add(POSITION, DataTypes.IntegerType, false).add(GENRE, DataTypes.StringType, false);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * One row per item of {@code indexItems} (item, item_idx): item_idx, item, genres, year, text.
   * {@code metadata}: ingest's items (item, title, year, genres); {@code tags}: tag applications
   * (item, tag), whose {@link #itemTags} end the text.
   */
  public static Dataset<Row> of(Dataset<Row> indexItems, Optional<Dataset<Row>> metadata, Optional<Dataset<Row>> tags, Vocabulary genres) {
    Dataset<Row> items = indexItems.select(Columns.ITEM, Columns.ITEM_IDX);
    Dataset<Row> described = metadata.map(m -> items.join(onePerItem(m), new String[] {Columns.ITEM}, "left"))
        .orElseGet(() -> items
            .withColumn(IngestResult.TITLE, lit(null).cast(DataTypes.StringType))
            .withColumn(IngestResult.YEAR, lit(null).cast(DataTypes.IntegerType))
            .withColumn(IngestResult.GENRES, lit(null).cast(DataTypes.createArrayType(DataTypes.StringType))));
    Dataset<Row> tagged = tags.map(t -> described.join(itemTags(t), new String[] {Columns.ITEM}, "left"))
        .orElseGet(() -> described.withColumn(TAGS, lit(null).cast(DataTypes.createArrayType(DataTypes.StringType))));
    return tagged.select(
        col(Columns.ITEM_IDX),
        col(Columns.ITEM),
        genres.multiHot(col(IngestResult.GENRES)).as(GENRES),
        col(IngestResult.YEAR).cast(DataTypes.IntegerType).as(YEAR),
        text(col(IngestResult.TITLE), col(IngestResult.GENRES), col(TAGS)).as(TEXT));
  }

  /**
   * (item, tags): each item's distinct tags, trimmed, compared without case (the first spelling in
   * code point order is kept), ordered by how many times they were applied (most first: a text
   * embedding that truncates keeps the most agreed-on tags), then alphabetically.
   */
  public static Dataset<Row> itemTags(Dataset<Row> tags) {
    Column tag = col(IngestResult.TAG);
    Dataset<Row> perTag = tags.select(col(Columns.ITEM), trim(tag).as(IngestResult.TAG))
        .where(tag.isNotNull().and(length(tag).gt(0)))
        .groupBy(col(Columns.ITEM), lower(tag).as("_key"))
        .agg(count(lit(1)).as("_applied"), min(tag).as(IngestResult.TAG));
    // sorting the structs sorts by their first field, then the next: applications descending, then the key
    return perTag.groupBy(col(Columns.ITEM))
        .agg(sort_array(collect_list(struct(negate(col("_applied")).as("_order"), col("_key"), tag))).as("_sorted"))
        .select(col(Columns.ITEM), expr("transform(_sorted, t -> t." + IngestResult.TAG + ")").as(TAGS));
  }

  /** Title, genres and tags, the parts that are there separated by ". "; the empty string when none is. */
  private static Column text(Column title, Column genres, Column tags) {
    Column trimmed = trim(title);
    return concat_ws(". ",
        when(length(trimmed).gt(0), trimmed),
        when(size(genres).gt(0), concat(lit("Genres: "), array_join(genres, ", "))),
        when(size(tags).gt(0), concat(lit("Tags: "), array_join(tags, ", "))));
  }

  /** One metadata row per item, whatever the source: the smallest (title, year, genres) of an id listed twice. */
  private static Dataset<Row> onePerItem(Dataset<Row> metadata) {
    return metadata.groupBy(col(Columns.ITEM))
        .agg(min(struct(col(IngestResult.TITLE), col(IngestResult.YEAR), col(IngestResult.GENRES))).as("_m"))
        .select(col(Columns.ITEM), col("_m." + IngestResult.TITLE).as(IngestResult.TITLE),
            col("_m." + IngestResult.YEAR).as(IngestResult.YEAR), col("_m." + IngestResult.GENRES).as(IngestResult.GENRES));
  }
}
