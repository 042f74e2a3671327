package dev.ncfspark.data;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.data.index.IdIndex;
import dev.ncfspark.data.ingest.MovieLensSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Shared test inputs: real MovieLens tables with dense ids attached. */
public final class TestTables {
  private static Dataset<Row> latestSmall;
  private static Dataset<Row> ml100k;

  private TestTables() {}

  /** ml-latest-small, all 100,836 ratings, with user_idx and item_idx. */
  public static synchronized Dataset<Row> latestSmallIndexed() {
    if (latestSmall == null) {
      latestSmall = indexed("ml-latest-small");
    }
    return latestSmall;
  }

  /** ml-100k, all 100,000 ratings, with user_idx and item_idx. */
  public static synchronized Dataset<Row> ml100kIndexed() {
    if (ml100k == null) {
      ml100k = indexed("ml-100k");
    }
    return ml100k;
  }

  private static Dataset<Row> indexed(String name) {
    Dataset<Row> raw = MovieLensSource.read(SparkTestSession.get(), SparkTestSession.sharedData(name).toString(), "").interactions();
    return IdIndex.fit(raw, Checkpoints.temporary(SparkTestSession.get())).attach(raw).cache();
  }
}
