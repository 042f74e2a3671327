package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same input, config and seed give the same splits and negatives whatever the partitioning:
 * the whole pipeline on 1, 3 and 17 shuffle partitions (and as many input splits).
 */
class DeterminismTest {
  @TempDir Path out;

  @Test
  void splitsAndNegativesDoNotDependOnPartitioning() {
    SparkSession spark = SparkTestSession.get();
    String[] tables = {"split/interactions", "negatives/eval", "negatives/train/epoch=0", "negatives/train/epoch=1", "index/items"};
    Dataset<?>[] reference = new Dataset<?>[tables.length];
    try {
      for (int partitions : new int[] {1, 3, 17}) {
        spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
        spark.conf().set("spark.sql.files.maxPartitionBytes", Integer.toString(2_000_000 / partitions));
        spark.conf().set("spark.sql.adaptive.enabled", "false");
        PreparePipeline.Outcome o = new PreparePipeline(spark, ExperimentConfigLoader.load(Optional.empty(), List.of(
            "dataset.format=movielens",
            "dataset.path=" + SparkTestSession.sharedData("ml-latest-small").toAbsolutePath(),
            "split.kind=user-random",
            "negatives.train.epochs=2",
            "run.id=p" + partitions,
            "run.output=" + out.toAbsolutePath()))).run(Set.of(), false);
        for (int t = 0; t < tables.length; t++) {
          Dataset<Row> d = spark.read().parquet(o.runPath() + "/" + tables[t]);
          if (tables[t].equals("negatives/eval")) {
            d = d.selectExpr("user_idx", "split", "to_json(negative_items) as items");
          }
          if (reference[t] == null) {
            reference[t] = d.cache();
            continue;
          }
          Dataset<Row> ref = (Dataset<Row>) reference[t];
          assertEquals(ref.count(), d.count(), tables[t] + " on " + partitions + " partitions");
          assertEquals(0, ref.exceptAll(d).count(), tables[t] + " on " + partitions + " partitions");
          assertEquals(0, d.exceptAll(ref).count(), tables[t] + " on " + partitions + " partitions");
        }
      }
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", "4");
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
      spark.conf().unset("spark.sql.adaptive.enabled");
    }
  }
}
