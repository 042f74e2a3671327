package dev.ncfspark.data.negatives;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sequence;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.ScopedSqlConf;
import dev.ncfspark.data.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Training negatives for one epoch: {@code perPositive} items per training positive of each user,
 * drawn with replacement from the items that are not a positive of that user in any split,
 * uniformly or proportionally to train popularity^alpha. The epoch is part of the seed, so every
 * epoch gets a fresh draw and a rerun gets the same one.
 *
 * <p>Scales linearly with positives: per user, exactly the needed number of hash-drawn candidates
 * are exploded into rows and the user's positives removed with a distributed left-anti join on
 * (user_idx, item_idx): every survivor is a uniform draw from the free items. The users left short
 * (a draw hit a positive) get further rounds with new salts that draw with a margin and keep the
 * first survivors. Every round is a Parquet checkpoint; no per-row driver work, no collect.
 */
public final class TrainNegativeSampler {
  /** Slots of the popularity sampling table (like word2vec's unigram table). */
  public static final int POPULARITY_SLOTS = 1 << 20;
  private static final int MAX_ROUNDS = 30;
  private final int perPositive;
  private final double popularityAlpha;
  private final long seed;

  public TrainNegativeSampler(int perPositive, double popularityAlpha, long seed) {
    this.perPositive = perPositive;
    this.popularityAlpha = popularityAlpha;
    this.seed = seed;
  }

  /**
   * Negatives (user_idx, item_idx) of {@code epoch} for the positives in {@code train}; {@code
   * positives} are all (user_idx, item_idx) pairs of the dataset (every split). The result reads
   * the rounds' tables in {@code checkpoints}: keep them until it is written.
   */
  public Dataset<Row> sample(Dataset<Row> train, Dataset<Row> positives, int numItems, int epoch, Checkpoints checkpoints) {
    int partitions = train.sparkSession().sessionState().conf().numShufflePartitions();
    Dataset<Row> pairs = positives.select(Columns.USER_IDX, Columns.ITEM_IDX);
    Dataset<Row> byUser = pairs.repartition(partitions, col(Columns.USER_IDX));
    Dataset<Row> users = train.groupBy(Columns.USER_IDX).agg(count(lit(1)).multiply(perPositive).as("_need"))
        .join(pairs.groupBy(Columns.USER_IDX).agg(count(lit(1)).as("_p")), Columns.USER_IDX)
        .where(col("_p").lt(numItems));
    Dataset<Row> table = popularityAlpha > 0 ? popularityTable(train) : null;

    List<Dataset<Row>> rounds = new ArrayList<>();
    Dataset<Row> pending = checkpoints.cut(users, "users");
    for (int round = 0; round < MAX_ROUNDS; round++) {
      // round 0 draws exactly what each user needs and keeps every draw that is not a positive;
      // later rounds (the users left short) draw 10% more than expected to succeed (doubling every
      // round) plus 10, and keep the first ones by draw number
      Column draws = round == 0 ? col("_need")
          : ceil(col("_need").multiply(numItems).divide(lit(numItems).minus(col("_p"))).multiply(1.1 * (1L << round))).plus(10);
      // the users are partitioned by user before the draws are exploded: the draws inherit that
      // partitioning, so the anti-join with the positives (partitioned the same way) shuffles
      // the users' rows instead of every draw
      Dataset<Row> drawn = pending.repartition(partitions, col(Columns.USER_IDX))
          .select(col(Columns.USER_IDX), col("_need"), explode(sequence(lit(0), draws.cast("int").minus(1))).as("_j"));
      String salt = "train-negatives-epoch-" + epoch + "-round-" + round;
      if (table == null) {
        drawn = drawn.withColumn(Columns.ITEM_IDX, SeededRandom.uniformInt(lit(numItems), seed, salt, col(Columns.USER_IDX), col("_j")));
      } else {
        drawn = drawn.withColumn("_slot", SeededRandom.uniformInt(lit(POPULARITY_SLOTS), seed, salt, col(Columns.USER_IDX), col("_j")))
            .join(broadcast(table), "_slot").drop("_slot");
      }
      Dataset<Row> free = drawn.join(byUser.hint("shuffle_hash"), new String[] {Columns.USER_IDX, Columns.ITEM_IDX}, "left_anti");
      if (round > 0) {
        free = free.withColumn("_rn", row_number().over(Window.partitionBy(Columns.USER_IDX).orderBy("_j")))
            .where(col("_rn").leq(col("_need")));
      }
      // Spark shuffles both sides of a join again unless they are partitioned by all of its keys
      // (spark.sql.requireAllClusterKeysForCoPartition); off for this write only, so that the draws
      // keep the users' partitioning (on user_idx, one of the keys, which co-partitions them as well)
      Dataset<Row> selected = free.select(Columns.USER_IDX, Columns.ITEM_IDX);
      String name = "round-" + round;
      Dataset<Row> kept = ScopedSqlConf.with(train.sparkSession(), "spark.sql.requireAllClusterKeysForCoPartition", "false",
          () -> checkpoints.cut(selected, name));
      rounds.add(kept);
      pending = checkpoints.cut(kept.groupBy(Columns.USER_IDX).agg(count(lit(1)).as("_got"))
          .join(pending.select(Columns.USER_IDX, "_need", "_p"), new String[] {Columns.USER_IDX}, "right")
          .select(col(Columns.USER_IDX), col("_need").minus(coalesce(col("_got"), lit(0L))).as("_need"), col("_p"))
          .where(col("_need").gt(0)), "short-" + round);
      if (pending.isEmpty()) {
        return rounds.stream().reduce(Dataset::unionAll).orElseThrow();
      }
    }
    throw new IllegalStateException("training negatives: some users still short after " + MAX_ROUNDS + " sampling rounds");
  }

  /**
   * (slot, item_idx): item i owns a share of the slots proportional to trainCount(i)^alpha, built
   * from cumulative weights (one small window over the item counts).
   */
  public Dataset<Row> popularityTable(Dataset<Row> train) {
    return train.groupBy(Columns.ITEM_IDX).agg(count(lit(1)).as("_c"))
        .selectExpr(Columns.ITEM_IDX, "pow(_c, " + popularityAlpha + ") as _w")
        .selectExpr(Columns.ITEM_IDX, "_w",
            "sum(_w) over (order by " + Columns.ITEM_IDX + " rows between unbounded preceding and current row) as _hi")
        .selectExpr(Columns.ITEM_IDX, "_w", "_hi", "max(_hi) over () as _total")
        .selectExpr(Columns.ITEM_IDX,
            "cast(floor((_hi - _w) / _total * " + POPULARITY_SLOTS + ") as int) as _lo",
            "cast(floor(_hi / _total * " + POPULARITY_SLOTS + ") as int) as _up")
        .where("_up > _lo")
        .selectExpr(Columns.ITEM_IDX, "explode(sequence(_lo, _up - 1)) as _slot");
  }
}
