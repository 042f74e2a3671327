package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A running step reports its Spark job's finished and planned tasks, rate, ETA and rows read; nothing once closed. */
class SparkProgressTest {
  @Test
  void linesWhileOpenNoneAfter() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<String> lines = new CopyOnWriteArrayList<>();
    try (SparkProgress p = SparkProgress.start(spark.sparkContext(), "stage demo", 0, lines::add)) {
      spark.range(0, 10_000, 1, 8).selectExpr("id % 7 as k").groupBy("k").count().collectAsList();
      waitForListenerBus(spark);
    }
    assertTrue(!lines.isEmpty(), "no progress line");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("stage demo: job ") && l.contains("/") && l.contains("tasks/s")
        && l.contains("ETA") && l.contains("input rows read")), lines.toString());
    int before = lines.size();
    spark.range(0, 100, 1, 4).count();
    waitForListenerBus(spark);
    assertTrue(lines.size() == before, "a closed progress reports nothing: " + lines.subList(before, lines.size()));
  }

  /** Listener events are delivered asynchronously: wait until Spark's bus has delivered them. */
  private static void waitForListenerBus(SparkSession spark) throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
  }
}
