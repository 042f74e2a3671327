package dev.ncfspark.data.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.ImplicitConfig;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Turns ratings into implicit positives. A (user, item) pair seen more than once keeps its latest
 * row (ties: the highest rating); the others are set aside with reason {@code duplicate}. Then,
 * in threshold mode, ratings below the threshold are set aside with reason {@code below-threshold}.
 *
 * <p>Repeated pairs are found by one count per pair (a hash aggregation) and checkpointed: they are
 * few or none (ML-20M has none), so only their rows are ranked; every other row passes through
 * a join with that small table instead of a sort of the whole input.
 */
public final class ImplicitFeedback {
  public static final String DUPLICATE = "duplicate";
  public static final String BELOW_THRESHOLD = "below-threshold";
  private final ImplicitConfig config;

  public ImplicitFeedback(ImplicitConfig config) {
    this.config = config;
  }

  /** {@code checkpoints} holds the repeated pairs while the outcome is read. */
  public FilterOutcome apply(Dataset<Row> interactions, Checkpoints checkpoints) {
    String[] pair = {Columns.USER, Columns.ITEM};
    // shuffled by pair before the count: a map-side partial count of millions of distinct pairs
    // (each input partition's pairs in one hash map) costs more than it saves
    int partitions = interactions.sparkSession().sessionState().conf().numShufflePartitions();
    Dataset<Row> repeatedPairs = checkpoints.cut(interactions.select(Columns.USER, Columns.ITEM)
        .repartition(partitions, col(Columns.USER), col(Columns.ITEM))
        .groupBy(Columns.USER, Columns.ITEM).agg(count(lit(1)).as("_n"))
        .where(col("_n").gt(1)).select(Columns.USER, Columns.ITEM), "implicit-repeated-pairs");
    Column rank = row_number().over(Window.partitionBy(Columns.USER, Columns.ITEM)
        .orderBy(col(Columns.TIMESTAMP).desc(), col(Columns.RATING).desc()));
    Dataset<Row> repeated = interactions.join(repeatedPairs, pair, "left_semi")
        .withColumn(Columns.REASON, reason(when(rank.gt(1), lit(DUPLICATE))));
    Dataset<Row> single = interactions.join(repeatedPairs, pair, "left_anti")
        .withColumn(Columns.REASON, reason(lit(null).cast("string")));
    Dataset<Row> flagged = single.unionByName(repeated);
    return new FilterOutcome(
        flagged.where(col(Columns.REASON).isNull()).drop(Columns.REASON),
        flagged.where(col(Columns.REASON).isNotNull()));
  }

  /** The duplicate decision, then the threshold. */
  private Column reason(Column duplicate) {
    return config.mode() == ImplicitConfig.Mode.THRESHOLD
        ? when(duplicate.isNotNull(), duplicate).when(col(Columns.RATING).lt(config.threshold()), lit(BELOW_THRESHOLD))
        : duplicate;
  }
}
