package dev.ncfspark.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The job's SparkSession. spark-submit decides master and resources; run without it (from an
 * IDE or a plain java command), the job uses local[*]. Timestamps are read in UTC unless the
 * submitter says otherwise.
 */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession create(String appName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    return SparkSession.builder().appName(appName).config(conf).getOrCreate();
  }
}
