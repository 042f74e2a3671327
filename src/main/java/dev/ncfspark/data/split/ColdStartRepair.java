package dev.ncfspark.data.split;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.SplitConfig.ColdStart;
import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Makes validation and test rows evaluable by models that embed users and items: a row whose user
 * or item never occurs in train is moved into train (counted, column {@code repair} =
 * {@value #MOVED}) or set aside (reason {@code cold-start-user} / {@code cold-start-item}), or
 * kept as it is. One pass: the decision uses the train set as the splitter made it.
 */
public final class ColdStartRepair {
  public static final String MOVED = "moved-cold-start";
  public static final String REPAIR = "repair";
  public static final String COLD_USER = "cold-start-user";
  public static final String COLD_ITEM = "cold-start-item";

  private ColdStartRepair() {}

  /** Labelled rows with a {@code repair} column, and the rows set aside (with a reason). */
  public record Repaired(Dataset<Row> rows, Dataset<Row> rejected) {}

  public static Repaired apply(Dataset<Row> assigned, ColdStart mode) {
    Dataset<Row> inTrain = assigned.where(col(Columns.SPLIT).equalTo(Columns.TRAIN));
    Dataset<Row> trainUsers = inTrain.select(Columns.USER_IDX).distinct().withColumn("_user_known", lit(true));
    Dataset<Row> trainItems = inTrain.select(Columns.ITEM_IDX).distinct().withColumn("_item_known", lit(true));
    Dataset<Row> flagged = assigned
        .join(trainUsers, new String[] {Columns.USER_IDX}, "left")
        .join(trainItems, new String[] {Columns.ITEM_IDX}, "left");
    Column cold = when(col(Columns.SPLIT).notEqual(Columns.TRAIN),
        when(col("_user_known").isNull(), lit(COLD_USER)).when(col("_item_known").isNull(), lit(COLD_ITEM)));
    flagged = flagged.withColumn("_cold", cold).drop("_user_known", "_item_known");
    String[] columns = assigned.columns();
    Dataset<Row> none = assigned.limit(0).withColumn(Columns.REASON, lit(null).cast("string"));
    return switch (mode) {
      case KEEP -> new Repaired(assigned.withColumn(REPAIR, lit(null).cast("string")), none);
      case MOVE -> new Repaired(flagged
          .withColumn(REPAIR, when(col("_cold").isNotNull(), lit(MOVED)))
          .withColumn(Columns.SPLIT, when(col("_cold").isNotNull(), lit(Columns.TRAIN)).otherwise(col(Columns.SPLIT)))
          .drop("_cold"), none);
      case DROP -> new Repaired(
          flagged.where(col("_cold").isNull()).drop("_cold").withColumn(REPAIR, lit(null).cast("string")),
          flagged.where(col("_cold").isNotNull()).withColumnRenamed("_cold", Columns.REASON).selectExpr(withReason(columns)));
    };
  }

  private static String[] withReason(String[] columns) {
    String[] out = java.util.Arrays.copyOf(columns, columns.length + 1);
    out[columns.length] = Columns.REASON;
    return out;
  }
}
