package dev.ncfspark.data.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Reads the real MovieLens files in ../shared/data (counts from its README). */
class MovieLensSourceTest {

  private static Row sizes(IngestResult r) {
    return r.interactions().selectExpr("count(*)", "count(distinct user)", "count(distinct item)", "avg(rating)").first();
  }

  @Test
  void latestSmallCsv() {
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), SparkTestSession.sharedData("ml-latest-small").toString(), "");
    Row s = sizes(r);
    assertEquals(100_836L, s.getLong(0));
    assertEquals(610L, s.getLong(1));
    assertEquals(9_724L, s.getLong(2));
    assertEquals(3.50156, s.getDouble(3), 1e-5);
    assertEquals(0, r.rejected().count());
    Row toyStory = r.items().orElseThrow().where("item = 1").first();
    assertEquals("Toy Story", toyStory.getAs("title"));
    assertEquals(1995, (int) toyStory.getAs("year"));
    assertEquals(List.of("Adventure", "Animation", "Children", "Comedy", "Fantasy"), toyStory.getList(toyStory.fieldIndex("genres")));
    assertEquals(9_742, r.items().orElseThrow().count());
    // tags.csv: 3,683 applications; a quoted tag keeps its own (doubled) quotes
    assertEquals(3_683, r.tags().orElseThrow().count());
    assertEquals(List.of("\"artsy\"", "atmospheric", "gritty", "hallucinatory", "surreal", "visually stunning"),
        r.tags().orElseThrow().where("item = 4552").orderBy("tag").select("tag").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void ml100kTabSeparatedWithLatin1Metadata() {
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), SparkTestSession.sharedData("ml-100k").toString(), "");
    Row s = sizes(r);
    assertEquals(100_000L, s.getLong(0));
    assertEquals(943L, s.getLong(1));
    assertEquals(1_682L, s.getLong(2));
    assertEquals(3.52986, s.getDouble(3), 1e-5);
    assertEquals(1_682, r.items().orElseThrow().count());
    Row first = r.items().orElseThrow().where("item = 1").first();
    assertEquals("Toy Story", first.getAs("title"));
    assertTrue(first.getList(first.fieldIndex("genres")).contains("Animation"));
    assertEquals(943, r.users().orElseThrow().count());
    assertTrue(r.tags().isEmpty(), "ML-100K has no tags file");
  }

  @Test
  void ml1mPartialDoubleColonGzip() {
    IngestResult r = MovieLensSource.read(SparkTestSession.get(), SparkTestSession.sharedData("ml-1m").toString(),
        "ratings.partial-users-1-2999.dat.gz");
    Row s = sizes(r);
    assertEquals(487_650L, s.getLong(0));
    assertEquals(2_999L, s.getLong(1));
    assertEquals(3_615L, s.getLong(2));
    assertEquals(3_883, r.items().orElseThrow().count());
    assertEquals(6_040, r.users().orElseThrow().count());
    // Latin-1 title read correctly (movie 3334 has a non-ASCII title in ML-1M? check any accented one exists)
    assertTrue(r.items().orElseThrow().where("title like '%é%'").count() > 0, "Latin-1 accents decoded");
  }
}
