package dev.ncfspark.data.index;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.data.Columns;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Dense id maps: users and items to 0..n-1 in the order of their original ids (numeric order for
 * integer ids, lexicographic for text), so the same set of ids always gets the same map. Models
 * index embedding tables with these; every split row carries both the original and the dense id.
 */
public record IdIndex(Dataset<Row> users, Dataset<Row> items) {

  /** Builds both maps from the distinct users and items of {@code interactions}. */
  public static IdIndex fit(Dataset<Row> interactions) {
    return new IdIndex(
        denseMap(interactions, Columns.USER, Columns.USER_IDX),
        denseMap(interactions, Columns.ITEM, Columns.ITEM_IDX));
  }

  /** Adds user_idx and item_idx to every row (inner join: rows of unknown ids are not expected here). */
  public Dataset<Row> attach(Dataset<Row> rows) {
    return rows.join(users, Columns.USER).join(items, Columns.ITEM);
  }

  /** Adds the original user and item ids to rows that carry user_idx and item_idx. */
  public Dataset<Row> toOriginal(Dataset<Row> rows) {
    return rows.join(users, Columns.USER_IDX).join(items, Columns.ITEM_IDX);
  }

  /**
   * Sorted distinct ids numbered by a distributed sort + zipWithIndex: no single-partition window
   * and no collect, so it scales to millions of ids; the order (hence the map) is total.
   */
  private static Dataset<Row> denseMap(Dataset<Row> interactions, String idColumn, String indexColumn) {
    Dataset<Row> sorted = interactions.select(col(idColumn)).distinct().orderBy(col(idColumn));
    StructType schema = new StructType()
        .add(idColumn, sorted.schema().apply(idColumn).dataType(), false)
        .add(indexColumn, DataTypes.IntegerType, false);
    JavaRDD<Row> indexed = sorted.javaRDD().zipWithIndex().map(t -> {
      if (t._2() > Integer.MAX_VALUE) {
        throw new IllegalStateException("more than 2^31 distinct " + idColumn + " ids");
      }
      return RowFactory.create(t._1().get(0), t._2().intValue());
    });
    return sorted.sparkSession().createDataFrame(indexed, schema);
  }
}
