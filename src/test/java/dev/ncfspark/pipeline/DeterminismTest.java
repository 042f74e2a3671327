package dev.ncfspark.pipeline;

import dev.ncfspark.data.Checkpoints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.CoreKConfig;
import dev.ncfspark.config.ImplicitConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.features.ItemFeatures;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.data.filter.ImplicitFeedback;
import dev.ncfspark.data.index.IdIndex;
import dev.ncfspark.data.ingest.IngestResult;
import dev.ncfspark.data.ingest.MovieLensSource;
import dev.ncfspark.data.negatives.EvalNegativeSampler;
import dev.ncfspark.data.negatives.TrainNegativeSampler;
import dev.ncfspark.data.split.LeaveOneOutSplitter;
import dev.ncfspark.data.split.UserRandomSplitter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Same input, config and seed give the same splits and negatives whatever the partitioning: the
 * preparation chain (ingest, implicit feedback, core-k, id maps, item features with their tags,
 * both kinds of split, evaluation and two epochs of training negatives) on 1, 3 and 17 input and
 * shuffle partitions. Each table is compared by its row count and an order-independent content
 * fingerprint (the sum of every row's 64-bit hash), so the comparison itself does not collect the
 * tables to the driver.
 */
class DeterminismTest {

  private static Map<String, Dataset<Row>> prepare(SparkSession spark, int partitions) {
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    spark.conf().set("spark.sql.files.maxPartitionBytes", Integer.toString(2_500_000 / partitions));
    IngestResult ingested = MovieLensSource.read(spark, SparkTestSession.sharedData("ml-latest-small").toString(), "");
    Dataset<Row> raw = ingested.interactions();
    Dataset<Row> implicit = new ImplicitFeedback(new ImplicitConfig(ImplicitConfig.Mode.THRESHOLD, 3.0)).apply(raw.repartition(partitions), Checkpoints.temporary(SparkTestSession.get())).kept();
    Dataset<Row> filtered = new CoreKFilter(new CoreKConfig(5, 5, 50), Checkpoints.temporary(SparkTestSession.get())).apply(implicit).kept().cache();
    IdIndex fitted = IdIndex.fit(filtered, Checkpoints.temporary(SparkTestSession.get()));
    // Cached so that the seven fingerprints below do not each recompute the maps (the pipeline writes them once).
    IdIndex index = new IdIndex(fitted.users().cache(), fitted.items().cache());
    Dataset<Row> indexed = index.attach(filtered).cache();
    int items = (int) index.items().count();
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    out.put("items", index.items());
    Dataset<Row> metadata = ingested.items().orElseThrow().repartition(partitions);
    Dataset<Row> tags = ingested.tags().orElseThrow().repartition(partitions);
    out.put("item-features", ItemFeatures.of(index.items(), Optional.of(metadata), Optional.of(tags), ItemFeatures.genreVocabulary(metadata)));
    Dataset<Row> loo = new LeaveOneOutSplitter(true, 11).assign(indexed).cache();
    out.put("leave-one-out", loo.select(Columns.USER_IDX, Columns.ITEM_IDX, Columns.SPLIT));
    out.put("user-random", new UserRandomSplitter(0.8, 0.1, 11).assign(indexed).select(Columns.USER_IDX, Columns.ITEM_IDX, Columns.SPLIT));
    Dataset<Row> lists = EvalNegativeSampler.positiveLists(indexed);
    out.put("eval-negatives", new EvalNegativeSampler(99, 11).sample(loo.where("split = 'test'"), lists, items, "test")
        .selectExpr(Columns.USER_IDX, "to_json(" + Columns.NEGATIVE_ITEMS + ") as items"));
    Dataset<Row> train = loo.where("split = 'train'");
    TrainNegativeSampler sampler = new TrainNegativeSampler(4, 0.0, 11);
    out.put("train-negatives-0", sampler.sample(train, indexed, items, 0, Checkpoints.temporary(SparkTestSession.get())));
    out.put("train-negatives-1", new TrainNegativeSampler(2, 0.75, 11).sample(train, indexed, items, 1, Checkpoints.temporary(SparkTestSession.get())));
    return out;
  }

  /** Row count and the sum, as an exact decimal, of every row's xxhash64: equal multisets of rows give equal values. */
  private static Row fingerprint(Dataset<Row> table) {
    Column[] all = Arrays.stream(table.columns()).map(functions::col).toArray(Column[]::new);
    return table.agg(functions.count(functions.lit(1)), functions.sum(functions.xxhash64(all).cast("decimal(38,0)"))).first();
  }

  @Test
  void splitsAndNegativesDoNotDependOnPartitioning() {
    SparkSession spark = SparkTestSession.get();
    try {
      spark.conf().set("spark.sql.adaptive.enabled", "false");
      Map<String, Row> reference = new LinkedHashMap<>();
      prepare(spark, 1).forEach((name, d) -> reference.put(name, fingerprint(d)));
      reference.forEach((name, print) -> assertTrue(print.getLong(0) > 0, name + " is empty"));
      for (int partitions : new int[] {3, 17}) {
        for (Map.Entry<String, Dataset<Row>> e : prepare(spark, partitions).entrySet()) {
          assertEquals(reference.get(e.getKey()), fingerprint(e.getValue()), e.getKey() + " on " + partitions + " partitions");
        }
      }
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", "4");
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
      spark.conf().unset("spark.sql.adaptive.enabled");
    }
  }
}
