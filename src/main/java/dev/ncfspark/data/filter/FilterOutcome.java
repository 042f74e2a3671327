package dev.ncfspark.data.filter;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What a filtering step kept, and what it set aside (the canonical columns plus a reason). */
public record FilterOutcome(Dataset<Row> kept, Dataset<Row> removed) {}
