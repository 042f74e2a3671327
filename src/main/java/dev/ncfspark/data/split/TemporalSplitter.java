package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.SplitConfig.TemporalCut;
import dev.ncfspark.data.Columns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Global temporal split: train before the validation cut, validation up to the test cut, test
 * from the test cut on. Cuts are fixed timestamps or exact quantiles of all timestamps (the value
 * at rank floor(q * (n - 1)) of the sorted timestamps, found by a distributed sort).
 */
public final class TemporalSplitter implements Splitter {
  private final TemporalCut cut;
  private long validationCut;
  private long testCut;

  public TemporalSplitter(TemporalCut cut) {
    this.cut = cut;
  }

  @Override
  public Dataset<Row> assign(Dataset<Row> indexed) {
    if (cut.byQuantile()) {
      Dataset<Row> timestamps = indexed.select(Columns.TIMESTAMP);
      long n = timestamps.count();
      testCut = exactQuantile(timestamps, n, cut.testQuantile());
      validationCut = exactQuantile(timestamps, n, cut.validationQuantile());
    } else {
      testCut = cut.testTimestamp();
      validationCut = Math.min(cut.validationTimestamp() == 0 ? cut.testTimestamp() : cut.validationTimestamp(), testCut);
    }
    return indexed.withColumn(Columns.SPLIT,
        when(col(Columns.TIMESTAMP).geq(testCut), lit(Columns.TEST))
            .when(col(Columns.TIMESTAMP).geq(validationCut), lit(Columns.VALIDATION))
            .otherwise(lit(Columns.TRAIN)));
  }

  /** The cuts used by the last {@link #assign} (validation, test), for the manifest. */
  public List<Long> cuts() {
    return List.of(validationCut, testCut);
  }

  static long exactQuantile(Dataset<Row> timestamps, long n, double q) {
    long rank = (long) Math.floor(q * (n - 1));
    return timestamps.orderBy(Columns.TIMESTAMP).javaRDD().zipWithIndex()
        .filter(t -> t._2() == rank).first()._1().getLong(0);
  }
}
