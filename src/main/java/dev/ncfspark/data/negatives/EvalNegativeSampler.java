package dev.ncfspark.data.negatives;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fixed evaluation negatives: for each evaluated user, {@code count} distinct items drawn
 * uniformly from the items the user never interacted with in any split (so never a positive).
 * Each user's list is a pure function of (seed, purpose, user), so it is the same on any number of
 * partitions. Built from Spark SQL array functions on one row per user:
 * <ul>
 *   <li>usually: hash-draw enough item ids with replacement, remove the user's positives and
 *       repeats with {@code array_except} (which keeps first occurrences in draw order) and keep
 *       the first {@code count}: a uniform sample without replacement;</li>
 *   <li>when the draws fall short (rare) or the user's free items are few: order all free items by
 *       a seeded hash and keep the first {@code count}, also uniform.</li>
 * </ul>
 * A user with fewer free items than {@code count} gets them all ({@link #shortUsers} counts such
 * users).
 */
public final class EvalNegativeSampler {
  private final int count;
  private final long seed;

  public EvalNegativeSampler(int count, long seed) {
    this.count = count;
    this.seed = seed;
  }

  /** Per-user positive item lists from all interactions (user_idx, item_idx, distinct pairs). */
  public static Dataset<Row> positiveLists(Dataset<Row> interactions) {
    return interactions.groupBy(Columns.USER_IDX).agg(collect_list(col(Columns.ITEM_IDX)).as("_pos"));
  }

  /**
   * One row per user of {@code users} (a user_idx column): user_idx, negative_items (array of
   * item_idx). {@code purpose} salts the draw so that test and validation lists differ.
   */
  public Dataset<Row> sample(Dataset<Row> users, Dataset<Row> positiveLists, int numItems, String purpose) {
    String seedLiteral = seed + "L";
    String salt = "'eval-" + purpose + "'";
    String hashDraw = "cast(pmod(xxhash64(" + seedLiteral + ", " + salt + ", user_idx, j), " + numItems + ") as int)";
    String drawn = "IF(_m > 0, slice(array_except(transform(sequence(0, _m - 1), j -> " + hashDraw + "), _pos), 1, " + count
        + "), cast(array() as array<int>))";
    // sort_array, not array_sort: the same ascending order of (hash, item), without array_sort's lambda comparator (CPU-only under RAPIDS)
    String enumerated = "transform(slice(sort_array(transform(array_except(sequence(0, " + (numItems - 1) + "), _pos), "
        + "x -> named_struct('h', xxhash64(" + seedLiteral + ", " + salt + ", 'all', user_idx, x), 'item', x)), true), 1, _target), s -> s.item)";
    return users.select(Columns.USER_IDX).distinct()
        .join(positiveLists, Columns.USER_IDX)
        .selectExpr(Columns.USER_IDX, "_pos", "least(" + count + ", " + numItems + " - size(_pos)) as _target",
            // draws enough for `count` successes with room to spare; 0 = use the enumeration
            "CASE WHEN " + numItems + " - size(_pos) - " + count + " < 1 THEN 0 ELSE cast(ceil(1.3D * " + count + " * " + numItems
                + " / (" + numItems + " - size(_pos) - " + count + " + 1)) + 20 as int) END as _m0")
        .selectExpr(Columns.USER_IDX, "_pos", "_target", "IF(_m0 >= " + numItems + ", 0, _m0) as _m")
        .selectExpr(Columns.USER_IDX, "_pos", "_target", drawn + " as _drawn")
        .selectExpr(Columns.USER_IDX, "IF(size(_drawn) >= _target, _drawn, " + enumerated + ") as " + Columns.NEGATIVE_ITEMS);
  }

  /** Users whose list is shorter than {@code count} (they have fewer free items). */
  public long shortUsers(Dataset<Row> sampled) {
    return shortLists(sampled).count();
  }

  /** The lists shorter than {@code count}. */
  public Dataset<Row> shortLists(Dataset<Row> sampled) {
    return sampled.where(org.apache.spark.sql.functions.size(col(Columns.NEGATIVE_ITEMS)).lt(lit(count)));
  }
}
