package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.SplitConfig;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.split.ColdStartRepair;
import dev.ncfspark.data.split.GlobalRandomSplitter;
import dev.ncfspark.data.split.LeaveOneOutSplitter;
import dev.ncfspark.data.split.Splitter;
import dev.ncfspark.data.split.TemporalSplitter;
import dev.ncfspark.data.split.UserRandomSplitter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage 5: train / validation / test in {@code split/interactions}, partitioned by {@code split}
 * (read one with {@code .../split/interactions/split=train}); every row carries the original and
 * the dense ids, and {@code repair} ({@value ColdStartRepair#MOVED} on the rows the cold-start
 * repair moved into train, null otherwise). Cold-start rows dropped by the repair go to {@code split/rejected}.
 */
final class SplitStage extends PipelineStage {
  static final String NAME = "split";
  static final String INTERACTIONS = NAME + "/interactions";
  static final String REJECTED = NAME + "/rejected";
  /** The splitter's rows before the cold-start repair, kept while the stage runs when the repair needs them twice. */
  private static final String SCRATCH = NAME + "/_scratch";
  private static final String ASSIGNED = SCRATCH + "/assigned";

  SplitStage() {
    super(NAME, "split", "run.seed");
  }

  @Override
  StageStats run(StageContext ctx) {
    SplitConfig cfg = ctx.config().split();
    Dataset<Row> indexed = IndexStage.load(ctx).attach(ctx.read(FilterStage.INTERACTIONS))
        .select(Columns.USER, Columns.ITEM, Columns.USER_IDX, Columns.ITEM_IDX, Columns.RATING, Columns.TIMESTAMP);
    Splitter splitter = splitter(cfg, ctx.seed());
    SplitConfig.ColdStart coldStart = cfg.kind() == SplitConfig.Kind.LEAVE_ONE_OUT ? SplitConfig.ColdStart.KEEP : cfg.coldStart();
    Dataset<Row> assigned = splitter.assign(indexed);
    if (coldStart != SplitConfig.ColdStart.KEEP) {
      // the repair reads the assigned rows twice (the train ids, then every row): from Parquet, not computed twice
      ctx.write(assigned, ASSIGNED);
      assigned = ctx.read(ASSIGNED);
    }
    ColdStartRepair.Repaired repaired = ColdStartRepair.apply(assigned, coldStart);
    try {
      // the repair column stays: it marks the rows moved into train (null for the others)
      ctx.write(repaired.rows(), INTERACTIONS, Columns.SPLIT);
      ctx.write(repaired.rejected(), REJECTED);
    } finally {
      ctx.run().delete(SCRATCH);
    }
    Dataset<Row> written = ctx.read(INTERACTIONS);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("kind", ConfigValues.kebab(cfg.kind()));
    if (splitter instanceof TemporalSplitter t) {
      details.put("validation_cut", t.cuts().get(0));
      details.put("test_cut", t.cuts().get(1));
    }
    // from the written Parquet, two passes: rows per (split, user) and per (split, item), whose
    // small results give every count (two distinct counts in one aggregation would expand every row)
    Checkpoints counts = Checkpoints.in(ctx.spark(), ctx.run().path(SCRATCH));
    Dataset<Row> perUser = counts.cut(written.groupBy(Columns.SPLIT, Columns.USER_IDX)
        .agg(count(lit(1)).as("_rows"), sum(when(col(ColdStartRepair.REPAIR).isNotNull(), 1L).otherwise(0L)).as("_moved")), "per-user");
    Dataset<Row> perItem = counts.cut(written.groupBy(Columns.SPLIT, Columns.ITEM_IDX).count(), "per-item");
    Map<String, Object> items = TableStats.countsBy(perItem, Columns.SPLIT);
    Map<String, Object> perSplit = new LinkedHashMap<>();
    for (Row r : perUser.groupBy(Columns.SPLIT).agg(sum("_rows"), count(lit(1)), sum("_moved")).orderBy(Columns.SPLIT).collectAsList()) {
      perSplit.put(r.getString(0), Map.of("rows", r.getLong(1), "users", r.getLong(2), "items", items.get(r.getString(0)),
          "moved_in_by_cold_start_repair", r.getLong(3)));
    }
    details.put("splits", perSplit);
    details.put("rejected_by_reason", TableStats.countsBy(ctx.read(REJECTED), Columns.REASON));
    long rows = perSplit.values().stream().mapToLong(m -> (Long) ((Map<?, ?>) m).get("rows")).sum();
    long allUsers = perUser.select(Columns.USER_IDX).distinct().count();
    long allItems = perItem.select(Columns.ITEM_IDX).distinct().count();
    counts.close();
    return new StageStats(rows, allUsers, allItems, 0, details);
  }

  static Splitter splitter(SplitConfig cfg, long seed) {
    return switch (cfg.kind()) {
      case LEAVE_ONE_OUT -> new LeaveOneOutSplitter(cfg.validation(), seed);
      case USER_RANDOM -> new UserRandomSplitter(cfg.trainRatio(), cfg.validationRatio(), seed);
      case GLOBAL_RANDOM -> new GlobalRandomSplitter(cfg.trainRatio(), cfg.validationRatio(), seed);
      case TEMPORAL -> new TemporalSplitter(cfg.temporal());
    };
  }
}
