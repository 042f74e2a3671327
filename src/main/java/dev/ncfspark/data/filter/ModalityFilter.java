package dev.ncfspark.data.filter;

import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keeps the interactions of the items that have a vector of every required modality (MMRec's
 * multimodal preparation keeps only such items); the others' rows are set aside with the reason
 * {@value #REASON}, and the items lacking each modality are counted.
 */
public final class ModalityFilter {
  public static final String REASON = "missing-modality";

  private ModalityFilter() {}

  /**
   * What was kept and removed, the input's items lacking each modality (an item may lack several),
   * and the items dropped in all.
   */
  public record Result(FilterOutcome outcome, Map<String, Long> itemsLacking, long itemsDropped) {}

  /** {@code itemsByModality}: per required modality, the (item) ids that have a vector. */
  public static Result apply(Dataset<Row> interactions, Map<String, Dataset<Row>> itemsByModality) {
    Dataset<Row> items = interactions.select(Columns.ITEM).distinct().cache();
    try {
      Map<String, Long> lacking = new LinkedHashMap<>();
      Dataset<Row> withAll = items;
      for (Map.Entry<String, Dataset<Row>> m : itemsByModality.entrySet()) {
        Dataset<Row> have = m.getValue().select(Columns.ITEM);
        lacking.put(m.getKey(), items.join(have, new String[] {Columns.ITEM}, "left_anti").count());
        withAll = withAll.join(have, new String[] {Columns.ITEM}, "left_semi");
      }
      long dropped = items.count() - withAll.count();
      // semi and anti joins keep the left side's columns, in its order
      return new Result(new FilterOutcome(interactions.join(withAll, new String[] {Columns.ITEM}, "left_semi"),
          interactions.join(withAll, new String[] {Columns.ITEM}, "left_anti").withColumn(Columns.REASON, lit(REASON))), lacking, dropped);
    } finally {
      items.unpersist();
    }
  }
}
