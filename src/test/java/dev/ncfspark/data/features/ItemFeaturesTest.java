package dev.ncfspark.data.features;

import dev.ncfspark.data.Checkpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.index.IdIndex;
import dev.ncfspark.data.ingest.IngestResult;
import dev.ncfspark.data.ingest.MovieLensSource;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Item features from ingest's metadata: ml-latest-small's genres and tags, and the edge cases on small tables. */
class ItemFeaturesTest {

  @Test
  void latestSmallTagsEndTheTextMostAppliedFirst() {
    SparkSession spark = SparkTestSession.get();
    IngestResult r = MovieLensSource.read(spark, SparkTestSession.sharedData("ml-latest-small").toString(), "");
    Dataset<Row> index = IdIndex.fit(r.interactions(), Checkpoints.temporary(SparkTestSession.get())).items();
    Vocabulary genres = ItemFeatures.genreVocabulary(r.items().orElseThrow());
    assertEquals(List.of("Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"), genres.values(),
        "movies.csv's genres, sorted, without '(no genres listed)'");
    Dataset<Row> items = ItemFeatures.of(index, r.items(), r.tags(), genres).cache();
    try {
      assertEquals(9_724, items.count(), "every rated movie");
      assertEquals(9_724, items.select(Columns.ITEM_IDX).distinct().count());
      // Toy Story: pixar twice, fun once
      assertEquals("Toy Story. Genres: Adventure, Animation, Children, Comedy, Fantasy. Tags: pixar, fun", text(items, 1));
      // ties on the count in alphabetical order, whatever the case
      assertEquals("Step Brothers. Genres: Comedy. Tags: funny, will ferrell, comedy, Highly quotable", text(items, 60756));
      // quoted title with a comma, quoted tag with its quotes
      assertEquals("Tetsuo, the Ironman (Tetsuo). Genres: Action, Horror, Sci-Fi, Thriller. "
          + "Tags: \"artsy\", atmospheric, gritty, hallucinatory, surreal, visually stunning", text(items, 4552));
      Row toyStory = items.where("item = 1").first();
      assertEquals(1995, (int) toyStory.<Integer>getAs(ItemFeatures.YEAR));
      List<Float> vector = toyStory.getList(toyStory.fieldIndex(ItemFeatures.GENRES));
      assertEquals(19, vector.size());
      for (int g = 0; g < genres.size(); g++) {
        boolean has = List.of("Adventure", "Animation", "Children", "Comedy", "Fantasy").contains(genres.values().get(g));
        assertEquals(has ? 1f : 0f, vector.get(g), genres.values().get(g));
      }
      assertEquals(1_554, items.where(ItemFeatures.TEXT + " like '%. Tags: %'").count(), "the rated movies among the 1,572 tagged ones");
    } finally {
      items.unpersist();
    }
    Dataset<Row> untagged = ItemFeatures.of(index, r.items(), Optional.empty(), genres);
    assertEquals("Toy Story. Genres: Adventure, Animation, Children, Comedy, Fantasy", text(untagged, 1), "features.tags = false");
  }

  @Test
  void everyIndexedItemOnceWithZerosNullYearAndEmptyTextWithoutMetadata() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> index = spark.createDataFrame(List.of(RowFactory.create(10L, 0), RowFactory.create(20L, 1), RowFactory.create(30L, 2)),
        new StructType().add(Columns.ITEM, DataTypes.LongType).add(Columns.ITEM_IDX, DataTypes.IntegerType));
    StructType metadataSchema = new StructType().add(Columns.ITEM, DataTypes.LongType).add(IngestResult.TITLE, DataTypes.StringType)
        .add(IngestResult.YEAR, DataTypes.IntegerType).add(IngestResult.GENRES, DataTypes.createArrayType(DataTypes.StringType));
    // item 20 is listed twice; item 99 is not in the index; item 30 has no metadata
    Dataset<Row> metadata = spark.createDataFrame(List.of(
        RowFactory.create(10L, "Ten", 1990, new String[] {"Drama", "Comedy"}),
        RowFactory.create(20L, "Twenty", null, new String[0]),
        RowFactory.create(20L, "Twenty", null, new String[0]),
        RowFactory.create(99L, "Elsewhere", 2000, new String[] {"Western"})), metadataSchema);
    Dataset<Row> tags = spark.createDataFrame(List.of(
        RowFactory.create(10L, " sad "), RowFactory.create(10L, "Sad"), RowFactory.create(10L, "long"), RowFactory.create(10L, "  ")),
        new StructType().add(Columns.ITEM, DataTypes.LongType).add(IngestResult.TAG, DataTypes.StringType));
    Vocabulary genres = ItemFeatures.genreVocabulary(metadata);
    assertEquals(List.of("Comedy", "Drama", "Western"), genres.values());
    List<Row> rows = ItemFeatures.of(index, Optional.of(metadata), Optional.of(tags), genres).orderBy(Columns.ITEM_IDX).collectAsList();
    assertEquals(3, rows.size());
    assertEquals(List.of(1f, 1f, 0f), rows.get(0).getList(rows.get(0).fieldIndex(ItemFeatures.GENRES)));
    assertEquals("Ten. Genres: Drama, Comedy. Tags: Sad, long", rows.get(0).getAs(ItemFeatures.TEXT), "'sad' twice (any case), 'long' once");
    assertEquals(List.of(0f, 0f, 0f), rows.get(1).getList(rows.get(1).fieldIndex(ItemFeatures.GENRES)));
    assertEquals("Twenty", rows.get(1).getAs(ItemFeatures.TEXT));
    assertTrue(rows.get(1).isNullAt(rows.get(1).fieldIndex(ItemFeatures.YEAR)));
    assertEquals(List.of(0f, 0f, 0f), rows.get(2).getList(rows.get(2).fieldIndex(ItemFeatures.GENRES)));
    assertEquals("", rows.get(2).getAs(ItemFeatures.TEXT));
    assertTrue(rows.get(2).isNullAt(rows.get(2).fieldIndex(ItemFeatures.YEAR)));

    List<Row> bare = ItemFeatures.of(index, Optional.empty(), Optional.empty(), new Vocabulary(ItemFeatures.GENRE, List.of()))
        .orderBy(Columns.ITEM_IDX).collectAsList();
    assertEquals(3, bare.size(), "a source without metadata still has every item");
    assertEquals(List.of(), bare.get(0).getList(bare.get(0).fieldIndex(ItemFeatures.GENRES)));
    assertEquals("", bare.get(0).getAs(ItemFeatures.TEXT));
  }

  private static String text(Dataset<Row> items, long item) {
    return items.where(Columns.ITEM + " = " + item).first().getAs(ItemFeatures.TEXT);
  }
}
