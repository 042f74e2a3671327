package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.evaluation.PerUserMetrics;
import dev.ncfspark.report.CurvePoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;

/**
 * CSV copies of what the notebooks in {@code notebooks/} read, for machines without a Parquet
 * reader for pandas (pyarrow), written by the report stage into {@code report/exports/}:
 * <ul>
 *   <li>{@code activity.csv} (table, entity, interactions, count): how many users (entity {@code user})
 *       have exactly {@code interactions} interactions, and how many items have that popularity, in
 *       {@code ingest}, {@code before_core_k} (the core-k input: after duplicates and the implicit threshold),
 *       {@code after_core_k} ({@code filter/interactions}) and each split. Small: one row per distinct count;</li>
 *   <li>{@code negatives_check.csv} (kind, part, users, lists, pairs, min_per_list, max_per_list,
 *       duplicates_within_lists, outside_catalogue, positives_among_negatives): sanity checks of the evaluation
 *       lists (per split) and of every epoch of training negatives against every positive of the user;</li>
 *   <li>{@code per_user_metrics/part-*.csv.gz} (model, protocol, user_idx, metric, cutoff, value): the
 *       {@code per_user_metrics/} table, one gzipped CSV part;</li>
 *   <li>{@code training_curves.csv} (model, epoch, metric, value): the per-epoch curves the report draws
 *       (header only when no trained model has curves).</li>
 * </ul>
 */
final class NotebookExports {
  static final String DIR = ReportStage.NAME + "/exports";
  static final String ACTIVITY = DIR + "/activity.csv";
  static final String NEGATIVES_CHECK = DIR + "/negatives_check.csv";
  static final String PER_USER = DIR + "/per_user_metrics";
  static final String CURVES = DIR + "/training_curves.csv";

  private NotebookExports() {}

  /** Writes the exports of {@code ctx}'s run (into the report folder, after the report was copied there); returns the files written. */
  static List<String> write(StageContext ctx, List<CurvePoint> curves) {
    List<String> written = new ArrayList<>();
    ctx.run().writeText(ACTIVITY, csv(List.of("table", "entity", "interactions", "count"), activity(ctx)));
    written.add(ACTIVITY);
    ctx.run().writeText(NEGATIVES_CHECK, csv(List.of("kind", "part", "users", "lists", "pairs", "min_per_list", "max_per_list",
        "duplicates_within_lists", "outside_catalogue", "positives_among_negatives"), negativesCheck(ctx)));
    written.add(NEGATIVES_CHECK);
    if (ctx.run().exists(EvaluateStage.PER_USER)) {
      ctx.read(EvaluateStage.PER_USER)
          .select(PerUserMetrics.MODEL, "protocol", Columns.USER_IDX, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE)
          .orderBy(PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, Columns.USER_IDX)
          .coalesce(1).write().mode(SaveMode.Overwrite).option("header", true).option("compression", "gzip")
          .csv(ctx.run().path(PER_USER));
      written.add(PER_USER);
    }
    List<List<Object>> curveRows = new ArrayList<>();
    for (CurvePoint p : curves) {
      curveRows.add(List.of(p.model(), p.epoch(), p.metric(), p.value()));
    }
    ctx.run().writeText(CURVES, csv(List.of("model", "epoch", "metric", "value"), curveRows));
    written.add(CURVES);
    return written;
  }

  /** Frequency of interaction counts per user and per item, for each table before and after core-k and each split. */
  private static List<List<Object>> activity(StageContext ctx) {
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    tables.put("ingest", ctx.read(IngestStage.INTERACTIONS).select(Columns.USER, Columns.ITEM));
    Dataset<Row> kept = ctx.read(FilterStage.INTERACTIONS).select(Columns.USER, Columns.ITEM);
    tables.put("before_core_k", kept.unionByName(ctx.read(FilterStage.REJECTED)
        .where(col(Columns.REASON).equalTo(CoreKFilter.REASON)).select(Columns.USER, Columns.ITEM)));
    tables.put("after_core_k", kept);
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS).select(Columns.SPLIT, Columns.USER_IDX, Columns.ITEM_IDX);
    for (String split : List.of(Columns.TRAIN, Columns.VALIDATION, Columns.TEST)) {
      tables.put(split, splits.where(col(Columns.SPLIT).equalTo(split)).select(Columns.USER_IDX, Columns.ITEM_IDX));
    }
    List<List<Object>> rows = new ArrayList<>();
    for (Map.Entry<String, Dataset<Row>> t : tables.entrySet()) {
      String[] ids = t.getValue().columns();
      for (int e = 0; e < 2; e++) {
        for (Row r : t.getValue().groupBy(ids[e]).count().groupBy("count").agg(count(lit(1)).as("n"))
            .orderBy("count").collectAsList()) {
          rows.add(List.of(t.getKey(), e == 0 ? "user" : "item", r.getLong(0), r.getLong(1)));
        }
      }
    }
    return rows;
  }

  /**
   * The evaluation lists per split and the training negatives per epoch, checked against every
   * positive of the user: one aggregation and one join with the positives per table.
   */
  private static List<List<Object>> negativesCheck(StageContext ctx) {
    long catalogue = ctx.read(IndexStage.ITEMS).count();
    // every interaction the user had after filtering, including rows the split set aside (as the negatives stage)
    Dataset<Row> positives = ctx.read(SplitStage.INTERACTIONS).select(Columns.USER_IDX, Columns.ITEM_IDX)
        .unionByName(ctx.read(SplitStage.REJECTED).select(Columns.USER_IDX, Columns.ITEM_IDX))
        .distinct().persist(StorageLevel.MEMORY_AND_DISK());
    List<List<Object>> rows = new ArrayList<>();
    try {
      Dataset<Row> eval = ctx.read(NegativesStage.EVAL);
      Map<String, Long> evalHits = positivesAmong(
          eval.select(col(Columns.SPLIT), col(Columns.USER_IDX), explode(col(Columns.NEGATIVE_ITEMS)).as(Columns.ITEM_IDX)), positives);
      Column lists = col(Columns.NEGATIVE_ITEMS);
      for (Row r : eval.groupBy(Columns.SPLIT).agg(countDistinct(Columns.USER_IDX), count(lit(1)), sum(size(lists)), min(size(lists)),
              max(size(lists)), sum(size(lists).minus(size(array_distinct(lists)))),
              sum(size(filter(lists, item -> outsideCatalogue(item, catalogue)))))
          .orderBy(Columns.SPLIT).collectAsList()) {
        rows.add(List.of("eval", r.getString(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getInt(5), r.getLong(6),
            r.getLong(7), evalHits.getOrDefault(r.getString(0), 0L)));
      }
      if (ctx.run().exists(NegativesStage.TRAIN)) {
        // negatives/train/epoch=E: the epoch is a partition column of the whole table
        Dataset<Row> train = ctx.read(NegativesStage.TRAIN).select(EPOCH, Columns.USER_IDX, Columns.ITEM_IDX);
        Map<String, Long> trainHits = positivesAmong(train, positives);
        for (Row r : train.groupBy(EPOCH).agg(countDistinct(Columns.USER_IDX), count(lit(1)),
                sum(when(outsideCatalogue(col(Columns.ITEM_IDX), catalogue), 1L).otherwise(0L)))
            .orderBy(EPOCH).collectAsList()) {
          String epoch = String.valueOf(r.get(0));
          rows.add(List.of("train", EPOCH + "=" + epoch, r.getLong(1), "", r.getLong(2), "", "", "", r.getLong(3),
              trainHits.getOrDefault(epoch, 0L)));
        }
      }
    } finally {
      positives.unpersist();
    }
    return rows;
  }

  private static final String EPOCH = "epoch";

  private static Column outsideCatalogue(Column item, long catalogue) {
    return item.lt(0).or(item.geq(catalogue)).or(item.isNull());
  }

  /** Pairs (group, user_idx, item_idx) that are positives of the user, counted per group (first column). */
  private static Map<String, Long> positivesAmong(Dataset<Row> pairs, Dataset<Row> positives) {
    Map<String, Long> hits = new LinkedHashMap<>();
    for (Row r : pairs.join(positives, new String[] {Columns.USER_IDX, Columns.ITEM_IDX}).groupBy(pairs.columns()[0]).count().collectAsList()) {
      hits.put(String.valueOf(r.get(0)), r.getLong(1));
    }
    return hits;
  }

  /** RFC 4180 CSV with a header; numbers in a locale-independent form. */
  static String csv(List<String> header, List<List<Object>> rows) {
    StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
    for (List<Object> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(field(row.get(i)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String field(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return d.isNaN() ? "NaN" : d.toString();
    }
    String s = v.toString();
    return s.matches(".*[,\"\\n\\r].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
