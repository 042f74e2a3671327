package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.features.ItemFeatures;
import dev.ncfspark.data.features.UserFeatures;
import dev.ncfspark.data.ingest.IngestResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The features stage on the suite's shared ml-100k run: one row per dense item and user, u.item's
 * 19 genre flags and release years, u.user's gender, age and occupation as one-hots, and the .npy
 * exports as NumPy itself reads them.
 */
class FeaturesOnMl100kTest {
  private static Path run;
  private static StageStats stats;

  @BeforeAll
  static void features() {
    RunPipeline.Outcome o = new RunPipeline(SparkTestSession.get(), TestRuns.ml100k())
        .run(new LinkedHashSet<>(List.of("ingest", "filter", "index", "features")), false);
    run = Path.of(o.runPath().replace("file:", ""));
    stats = o.stats().get("features");
  }

  private static Dataset<Row> table(String relative) {
    return SparkTestSession.get().read().parquet(run.resolve(relative).toString());
  }

  @Test
  void everyDenseItemAndUserExactlyOnce() {
    Dataset<Row> index = table(IndexStage.ITEMS);
    Dataset<Row> items = table(FeaturesStage.ITEMS);
    long n = index.count();
    assertEquals(n, items.count());
    assertEquals(n, items.select(Columns.ITEM_IDX).distinct().count());
    assertEquals(n, items.join(index, new String[] {Columns.ITEM_IDX, Columns.ITEM}).count(), "the id map's (item_idx, item) pairs");
    Dataset<Row> users = table(FeaturesStage.USERS);
    assertEquals(943, users.count());
    assertEquals(943, users.join(table(IndexStage.USERS), new String[] {Columns.USER_IDX, Columns.USER}).count());
    assertEquals(n, ((Number) stats.details().get("items_with_metadata")).longValue(), "u.item lists every movie");
    assertEquals(19, ((Number) stats.details().get("genre_vocabulary_size")).intValue());
    assertEquals(943, ((Number) stats.details().get("users_with_demographics")).longValue());
    assertEquals(n, stats.items());
    assertEquals(943, stats.users());
  }

  @Test
  void genresAndYearsAreThoseOfUItem() {
    List<String> vocabulary = table(FeaturesStage.ITEM_GENRES).orderBy(ItemFeatures.POSITION).select(ItemFeatures.GENRE)
        .as(Encoders.STRING()).collectAsList();
    assertEquals(List.of("Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
        "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western", "unknown"), vocabulary,
        "u.genre's 19 names, sorted");
    Map<Long, Row> items = new HashMap<>();
    for (Row r : table(FeaturesStage.ITEMS).collectAsList()) {
      items.put(r.getAs(Columns.ITEM), r);
    }
    assertEquals(Set.of("Animation", "Children's", "Comedy"), genres(items.get(1L), vocabulary));
    assertEquals(Set.of("Action", "Adventure", "Thriller"), genres(items.get(2L), vocabulary));
    assertEquals(Set.of("Action", "Adventure", "Romance", "Sci-Fi", "War"), genres(items.get(50L), vocabulary));
    assertEquals(Set.of("Action", "Crime", "Drama"), genres(items.get(127L), vocabulary));
    assertEquals(1995, (int) items.get(1L).<Integer>getAs(ItemFeatures.YEAR));
    assertEquals(1977, (int) items.get(50L).<Integer>getAs(ItemFeatures.YEAR));
    assertEquals("Star Wars. Genres: Action, Adventure, Romance, Sci-Fi, War", items.get(50L).getAs(ItemFeatures.TEXT), "no tags in ML-100K");
    assertEquals("Godfather, The. Genres: Action, Crime, Drama", items.get(127L).getAs(ItemFeatures.TEXT));

    // every item: the multi-hot is exactly ingest's genre list
    for (Row m : table(IngestStage.ITEMS).collectAsList()) {
      Row f = items.get(m.<Long>getAs(Columns.ITEM));
      if (f != null) {
        assertEquals(new HashSet<>(m.<String>getList(m.fieldIndex(IngestResult.GENRES))), genres(f, vocabulary), "item " + m.getAs(Columns.ITEM));
      }
    }
  }

  @Test
  void usersAreOneHotsOfGenderAgeGroupAndOccupation() {
    Dataset<Row> vocabulary = table(FeaturesStage.USER_VOCABULARY);
    List<String> genders = values(vocabulary, UserFeatures.GENDER);
    List<String> occupations = values(vocabulary, UserFeatures.OCCUPATION);
    assertEquals(List.of("F", "M"), genders);
    assertEquals(UserFeatures.AGE_GROUPS, values(vocabulary, UserFeatures.AGE_GROUP));
    assertEquals(21, occupations.size(), "u.occupation's 21");
    assertEquals("administrator", occupations.get(0));
    List<Row> users = table(FeaturesStage.USERS).collectAsList();
    for (Row u : users) {
      for (String attribute : List.of(UserFeatures.GENDER, UserFeatures.AGE_GROUP, UserFeatures.OCCUPATION)) {
        List<Float> v = u.getList(u.fieldIndex(attribute));
        assertEquals(1.0, v.stream().mapToDouble(Float::doubleValue).sum(), attribute + " of user " + u.getAs(Columns.USER));
      }
      List<Float> all = new ArrayList<>(u.<Float>getList(u.fieldIndex(UserFeatures.GENDER)));
      all.addAll(u.<Float>getList(u.fieldIndex(UserFeatures.AGE_GROUP)));
      all.addAll(u.<Float>getList(u.fieldIndex(UserFeatures.OCCUPATION)));
      assertEquals(all, u.getList(u.fieldIndex(UserFeatures.DEMOGRAPHICS)));
    }
    // u.user: 1|24|M|technician, 2|53|F|other
    Row first = users.stream().filter(u -> u.<Long>getAs(Columns.USER) == 1L).findFirst().orElseThrow();
    assertEquals(1f, first.<Float>getList(first.fieldIndex(UserFeatures.GENDER)).get(genders.indexOf("M")));
    assertEquals(1f, first.<Float>getList(first.fieldIndex(UserFeatures.AGE_GROUP)).get(UserFeatures.AGE_GROUPS.indexOf("18-24")));
    assertEquals(1f, first.<Float>getList(first.fieldIndex(UserFeatures.OCCUPATION)).get(occupations.indexOf("technician")));
    Row second = users.stream().filter(u -> u.<Long>getAs(Columns.USER) == 2L).findFirst().orElseThrow();
    assertEquals(1f, second.<Float>getList(second.fieldIndex(UserFeatures.GENDER)).get(genders.indexOf("F")));
    assertEquals(1f, second.<Float>getList(second.fieldIndex(UserFeatures.AGE_GROUP)).get(UserFeatures.AGE_GROUPS.indexOf("50-55")));
    assertEquals(1f, second.<Float>getList(second.fieldIndex(UserFeatures.OCCUPATION)).get(occupations.indexOf("other")));
  }

  @Test
  void theNpyExportsLoadInNumPyWithRowKTheVectorOfDenseIdK() throws Exception {
    assumeTrue(NumPyCheck.available(), "python3 with numpy is not installed (Debian: python3-numpy)");
    NumPyCheck.rowKIsDenseIdK(run.resolve(FeaturesStage.ITEM_GENRES_NPY), table(FeaturesStage.ITEMS), Columns.ITEM_IDX, ItemFeatures.GENRES, 19);
    NumPyCheck.rowKIsDenseIdK(run.resolve(FeaturesStage.USER_DEMOGRAPHICS_NPY), table(FeaturesStage.USERS), Columns.USER_IDX, UserFeatures.DEMOGRAPHICS,
        2 + 7 + 21);
  }

  private static Set<String> genres(Row item, List<String> vocabulary) {
    List<Float> vector = item.getList(item.fieldIndex(ItemFeatures.GENRES));
    assertEquals(vocabulary.size(), vector.size());
    Set<String> names = new HashSet<>();
    for (int g = 0; g < vector.size(); g++) {
      assertTrue(vector.get(g) == 0f || vector.get(g) == 1f, vector.toString());
      if (vector.get(g) == 1f) {
        names.add(vocabulary.get(g));
      }
    }
    return names;
  }

  private static List<String> values(Dataset<Row> vocabulary, String attribute) {
    return vocabulary.where(vocabulary.col(UserFeatures.ATTRIBUTE).equalTo(attribute)).orderBy(UserFeatures.POSITION)
        .select(UserFeatures.VALUE).as(Encoders.STRING()).collectAsList();
  }
}
