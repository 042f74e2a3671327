package dev.ncfspark.data.split;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A split protocol: labels every interaction (with user_idx and item_idx) train, validation or
 * test in column {@code split}. Implementations use only seeded hashes and total orders, so the
 * labels do not depend on partitioning.
 */
public interface Splitter {
  Dataset<Row> assign(Dataset<Row> indexed);
}
