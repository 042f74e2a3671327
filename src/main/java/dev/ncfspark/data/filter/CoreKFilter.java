package dev.ncfspark.data.filter;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.CoreKConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.Checkpoints;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Iterative core-k filtering to a fixpoint: each round removes, at once, every interaction of a
 * user with fewer than user-k interactions or of an item with fewer than item-k, until a round
 * removes nothing. The fixpoint (the largest sub-table where every user and item meets its k) does
 * not depend on the order of removals, so it equals the pandas/iterative reference. Each round's
 * table is checkpointed as Parquet: 30 rounds are 30 short plans, not one 30-deep plan.
 */
public final class CoreKFilter {
  public static final String REASON = "core-k";
  /** Column of the removed rows: the round that removed them. */
  public static final String ROUND = "core_k_round";
  private final CoreKConfig config;
  private final Checkpoints checkpoints;

  /** {@code checkpoints} holds each round's table while the result is read. */
  public CoreKFilter(CoreKConfig config, Checkpoints checkpoints) {
    this.config = config;
    this.checkpoints = checkpoints;
  }

  /** Per-round statistics: what was left before the round and what it removed. */
  public record Round(int round, long rowsBefore, long rowsRemoved, long usersRemoved, long itemsRemoved) {}

  /** The kept table, every removed row (reason core-k, with the round in column {@code core_k_round}), and the rounds. */
  public record Result(Dataset<Row> kept, Dataset<Row> removed, List<Round> rounds) {
    public long keptRows() {
      Round last = rounds.get(rounds.size() - 1);
      return last.rowsBefore() - last.rowsRemoved();
    }
  }

  /**
   * Each round counts interactions per user and per item (two small checkpointed tables, whose
   * sizes and sums are also the round's statistics: what a round removed is the difference with
   * the next round's counts) and writes the table flagged with what it keeps; the next round reads
   * the kept rows of that checkpoint. A round that would remove nothing is the fixpoint.
   */
  public Result apply(Dataset<Row> interactions) {
    List<String> withFlag = new ArrayList<>(List.of(interactions.columns()));
    withFlag.add("_keep");
    String[] flaggedColumns = withFlag.toArray(new String[0]);
    Dataset<Row> current = interactions;
    List<Round> rounds = new ArrayList<>();
    List<Dataset<Row>> removed = new ArrayList<>();
    long firstRows = -1;
    long[] previous = null;
    for (int round = 1; ; round++) {
      if (round > config.maxIterations()) {
        throw new IllegalStateException("core-k did not reach its fixpoint in " + config.maxIterations()
            + " rounds (filter.max-iterations)");
      }
      Dataset<Row> userCounts = checkpoints.cut(current.groupBy(Columns.USER).agg(count(lit(1)).as("_uc")), "core-k-users-" + round);
      Dataset<Row> itemCounts = checkpoints.cut(current.groupBy(Columns.ITEM).agg(count(lit(1)).as("_ic")), "core-k-items-" + round);
      Row u = userCounts.agg(count(lit(1)), sum(col("_uc")), sum(when(col("_uc").geq(config.userK()), 0).otherwise(1))).first();
      Row i = itemCounts.agg(count(lit(1)), sum(when(col("_ic").geq(config.itemK()), 0).otherwise(1))).first();
      long users = u.getLong(0);
      if (users == 0) {
        if (previous != null) {
          throw new EmptyResultException("core-k filtering (user-k=" + config.userK() + ", item-k=" + config.itemK()
              + ") removed every one of the " + firstRows + " interactions after " + (round - 1)
              + " rounds: lower filter.user-k / filter.item-k");
        }
        // sum() of no rows is null: an empty input is reported here, before any statistic is read
        throw new EmptyResultException("core-k filtering received no interactions: every row was removed before it"
            + " (see the ingest and implicit-feedback rejects: dataset.bad-rows, implicit.threshold)");
      }
      long rows = u.getLong(1);
      long items = i.getLong(0);
      if (previous != null) {
        rounds.add(new Round(round - 1, previous[0], previous[0] - rows, previous[1] - users, previous[2] - items));
      } else {
        firstRows = rows;
      }
      if (u.getLong(2) == 0 && i.getLong(1) == 0) {
        rounds.add(new Round(round, rows, 0, 0, 0));
        break;
      }
      previous = new long[] {rows, users, items};
      Dataset<Row> flagged = checkpoints.cut(current
          .join(userCounts, Columns.USER)
          .join(itemCounts, Columns.ITEM)
          .withColumn("_keep", col("_uc").geq(config.userK()).and(col("_ic").geq(config.itemK())))
          .selectExpr(flaggedColumns), "core-k-round-" + round);
      current = flagged.where(col("_keep")).drop("_keep");
      removed.add(flagged.where(not(col("_keep"))).drop("_keep").withColumn(Columns.REASON, lit(REASON)).withColumn(ROUND, lit(round)));
    }
    Dataset<Row> allRemoved = removed.stream().reduce(Dataset::unionAll)
        .orElse(current.limit(0).withColumn(Columns.REASON, lit(REASON)).withColumn(ROUND, lit(0)));
    return new Result(current, allRemoved, rounds);
  }

  /** Nothing survived a filter: a configuration problem worth a clear message. */
  public static final class EmptyResultException extends IllegalArgumentException {
    public EmptyResultException(String message) {
      super(message);
    }
  }
}
