package dev.ncfspark.data;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark SQL setting changed for the queries that one piece of code runs (planned and executed
 * inside it), then put back as it was: a planner choice for one write, not for the user's session.
 */
public final class ScopedSqlConf {
  private ScopedSqlConf() {}

  public static <T> T with(SparkSession spark, String key, String value, Supplier<T> work) {
    scala.Option<String> before = spark.conf().getOption(key);
    spark.conf().set(key, value);
    try {
      return work.get();
    } finally {
      if (before.isDefined()) {
        spark.conf().set(key, before.get());
      } else {
        spark.conf().unset(key);
      }
    }
  }
}
