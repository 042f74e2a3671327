package dev.ncfspark.pipeline;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.io.RunFolder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * What a stage needs: the session, the experiment, the run folder, Parquet I/O inside it, and the
 * fingerprint of the stage being run (what its output depends on).
 */
record StageContext(SparkSession spark, ExperimentConfig config, RunFolder run, String fingerprint) {

  StageContext forStage(String stageFingerprint) {
    return new StageContext(spark, config, run, stageFingerprint);
  }

  Dataset<Row> read(String relative) {
    return spark.read().parquet(run.path(relative));
  }

  void write(Dataset<Row> table, String relative, String... partitionColumns) {
    table.write().mode(SaveMode.Overwrite).partitionBy(partitionColumns).parquet(run.path(relative));
  }

  long seed() {
    return config.run().seed();
  }
}
