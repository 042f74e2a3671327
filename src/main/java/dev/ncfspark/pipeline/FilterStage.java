package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.data.filter.FilterOutcome;
import dev.ncfspark.data.filter.ImplicitFeedback;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage 2: implicit feedback (duplicates resolved, optional rating threshold) then iterative
 * core-k to its fixpoint. Output {@code filter/interactions}; every removed row is in {@code
 * filter/rejected} with its reason (and core-k round).
 */
final class FilterStage extends PipelineStage {
  static final String NAME = "filter";
  static final String INTERACTIONS = NAME + "/interactions";
  static final String REJECTED = NAME + "/rejected";

  FilterStage() {
    super(NAME, "implicit", "filter");
  }

  @Override
  StageStats run(StageContext ctx) {
    FilterOutcome implicit = new ImplicitFeedback(ctx.config().implicitFeedback()).apply(ctx.read(IngestStage.INTERACTIONS));
    CoreKFilter.Result coreK = new CoreKFilter(ctx.config().coreK()).apply(implicit.kept());
    ctx.write(coreK.kept(), INTERACTIONS);
    Dataset<Row> rejected = implicit.removed().withColumn(CoreKFilter.ROUND, lit(null).cast("int")).unionByName(coreK.removed());
    ctx.write(rejected, REJECTED);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rejected_by_reason", TableStats.countsBy(ctx.read(REJECTED), Columns.REASON));
    List<Map<String, Object>> rounds = new ArrayList<>();
    for (CoreKFilter.Round r : coreK.rounds()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("round", r.round());
      m.put("rows_before", r.rowsBefore());
      m.put("rows_removed", r.rowsRemoved());
      m.put("users_removed", r.usersRemoved());
      m.put("items_removed", r.itemsRemoved());
      rounds.add(m);
    }
    details.put("core_k_rounds", rounds);
    return TableStats.of(ctx.read(INTERACTIONS), Columns.USER, Columns.ITEM, details);
  }
}
