package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.SplitConfig;
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
import org.apache.spark.storage.StorageLevel;

/**
 * Stage 5: train / validation / test in {@code split/interactions}, partitioned by {@code split}
 * (read one with {@code .../split/interactions/split=train}); every row carries the original and
 * the dense ids. Cold-start rows dropped by the repair go to {@code split/rejected}.
 */
final class SplitStage extends PipelineStage {
  static final String NAME = "split";
  static final String INTERACTIONS = NAME + "/interactions";
  static final String REJECTED = NAME + "/rejected";

  SplitStage() {
    super(NAME, "split", "run.seed");
  }

  @Override
  StageStats run(StageContext ctx) {
    SplitConfig cfg = ctx.config().split();
    Dataset<Row> indexed = IndexStage.load(ctx).attach(ctx.read(FilterStage.INTERACTIONS))
        .select(Columns.USER, Columns.ITEM, Columns.USER_IDX, Columns.ITEM_IDX, Columns.RATING, Columns.TIMESTAMP);
    Splitter splitter = splitter(cfg, ctx.seed());
    Dataset<Row> assigned = splitter.assign(indexed);
    ColdStartRepair.Repaired repaired = cfg.kind() == SplitConfig.Kind.LEAVE_ONE_OUT
        ? ColdStartRepair.apply(assigned, SplitConfig.ColdStart.KEEP)
        : ColdStartRepair.apply(assigned, cfg.coldStart());
    Dataset<Row> rows = repaired.rows().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.write(rows.drop(ColdStartRepair.REPAIR), INTERACTIONS, Columns.SPLIT);
      ctx.write(repaired.rejected(), REJECTED);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("kind", ConfigValues.kebab(cfg.kind()));
      if (splitter instanceof TemporalSplitter t) {
        details.put("validation_cut", t.cuts().get(0));
        details.put("test_cut", t.cuts().get(1));
      }
      Map<String, Object> perSplit = new LinkedHashMap<>();
      for (Row r : rows.groupBy(Columns.SPLIT).agg(count(lit(1)), countDistinct(col(Columns.USER_IDX)),
          countDistinct(col(Columns.ITEM_IDX)), sum(when(col(ColdStartRepair.REPAIR).isNotNull(), 1).otherwise(0)))
          .orderBy(Columns.SPLIT).collectAsList()) {
        perSplit.put(r.getString(0), Map.of("rows", r.getLong(1), "users", r.getLong(2), "items", r.getLong(3),
            "moved_in_by_cold_start_repair", r.getLong(4)));
      }
      details.put("splits", perSplit);
      details.put("rejected_by_reason", TableStats.countsBy(ctx.read(REJECTED), Columns.REASON));
      return TableStats.of(ctx.read(INTERACTIONS), Columns.USER_IDX, Columns.ITEM_IDX, details);
    } finally {
      rows.unpersist();
    }
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
