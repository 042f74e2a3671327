package dev.ncfspark.data;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Randomness as a pure function of (seed, purpose, row key): Spark's built-in xxhash64 of the
 * seed and the key columns. Unlike rand(), the value of a row does not depend on how the data is
 * partitioned or ordered, which is what makes splits and negatives identical on 1 or 100
 * partitions and on any number of executors.
 */
public final class SeededRandom {
  private static final double TWO_POW_53 = 9007199254740992.0;

  private SeededRandom() {}

  /** A 64-bit hash of (seed, purpose, keys...). */
  public static Column hash(long seed, String purpose, Column... keys) {
    List<Column> all = new ArrayList<>();
    all.add(lit(seed));
    all.add(lit(purpose));
    all.addAll(List.of(keys));
    return xxhash64(all.toArray(new Column[0]));
  }

  /** A uniform double in [0, 1) from the top 53 bits of {@link #hash}. */
  public static Column uniform(long seed, String purpose, Column... keys) {
    return shiftrightunsigned(hash(seed, purpose, keys), 11).divide(lit(TWO_POW_53));
  }

  /** A uniform int in [0, n) (n a column or literal); modulo bias is below n / 2^64. */
  public static Column uniformInt(Column n, long seed, String purpose, Column... keys) {
    return pmod(hash(seed, purpose, keys), n.cast("long")).cast("int");
  }
}
