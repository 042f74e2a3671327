package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.EvaluationConfig;
import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.evaluation.FullRankingEvaluator;
import dev.ncfspark.evaluation.PairedTests;
import dev.ncfspark.evaluation.PerUserMetrics;
import dev.ncfspark.evaluation.RatingErrorEvaluator;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.ModelDefinition;
import dev.ncfspark.models.PairScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 8: fits the enabled baseline models on train, loads the models the train stage wrote
 * ({@link ModelFitter}), and evaluates every model on the same test split and the same fixed
 * negatives ({@link EvaluationData}). Writes {@code metrics/} (long format: run_id, dataset,
 * split, model, protocol, metric, cutoff, value, users; partitioned by model), {@code
 * metrics.json}, {@code per_user_metrics/}, {@code recommendations/} (top-K per user, original
 * ids) and {@code evaluate/significance.json} + {@code evaluate/timings.json}.
 */
final class EvaluateStage extends PipelineStage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);
  static final String NAME = "evaluate";
  static final String METRICS = "metrics";
  static final String METRICS_JSON = "metrics.json";
  static final String PER_USER = "per_user_metrics";
  static final String FEW_INTERACTION_METRICS = NAME + "/few_interaction_metrics.json";
  static final String RECOMMENDATIONS = "recommendations";
  static final String SIGNIFICANCE = NAME + "/significance.json";
  static final String TIMINGS = NAME + "/timings.json";
  static final String GRID = NAME + "/als_grid.json";
  /** The metrics' protocol column, and its values. */
  static final String PROTOCOL = "protocol";
  static final String SAMPLED = "sampled";
  static final String FULL = "full";
  static final String RATING = "rating";

  EvaluateStage() {
    super(NAME, "models", "evaluation", "run.seed");
  }

  /** A model that reads the features stage's output makes this stage depend on its configuration too. */
  @Override
  String fingerprintExtras(dev.ncfspark.config.ExperimentConfig config) {
    return config.modelsReadFeatures() ? "features=" + config.sectionJson("features") : "";
  }

  @Override
  List<String> outputs() {
    return List.of(NAME, METRICS, METRICS_JSON, PER_USER, RECOMMENDATIONS);
  }

  @Override
  StageStats run(StageContext ctx) {
    ModelsConfig models = ctx.config().models();
    EvaluationConfig eval = ctx.config().evaluation();
    try (EvaluationData data = EvaluationData.load(ctx)) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("test_lists_containing_their_positive", SampledRankingEvaluator.listsContainingThePositive(
          data.test().select(Columns.USER_IDX, Columns.ITEM_IDX), data.testNegatives()));
      details.put("full_ranking_users", eval.fullRanking() ? data.fullUsers().count() : 0);
      ModelFitter fitter = new ModelFitter(ctx, data, details);
      Map<String, Object> timings = new LinkedHashMap<>();
      List<Dataset<Row>> aggregates = new ArrayList<>();
      Map<String, String> skipped = new LinkedHashMap<>();
      List<ModelDefinition> evaluated = evaluable(ctx, skipped);
      for (ModelDefinition model : evaluated) {
        Map<String, Object> t = evaluate(ctx, model, fitter, data, aggregates);
        timings.put(model.configName(), t);
        LOG.info("model {}: {}", model, t);
      }
      Dataset<Row> perUser = ctx.spark().read().parquet(ctx.run().path(PER_USER));
      List<Map<String, Object>> metricRows = writeMetrics(ctx, perUser, aggregates);
      details.put("metric_summary", metricSummary(metricRows, eval.cutoffs()));
      if (eval.fewInteractions() > 0) {
        details.put("few_interactions", eval.fewInteractions());
        details.put("few_interaction_users", writeFewInteractionMetrics(ctx, perUser, data.fewInteractionUsers(eval.fewInteractions())));
      }
      ctx.run().writeText(SIGNIFICANCE, Json.write(significance(perUser, models, eval)));
      ctx.run().writeText(TIMINGS, Json.write(timings));
      details.put("models", evaluated.stream().map(ModelDefinition::configName).toList());
      details.put("skipped_models", skipped);
      details.put("timings", timings);
      return new StageStats(metricRows.size(), data.testUsers(), data.catalogue(), 0, details);
    }
  }

  /**
   * The enabled models the data can serve, in the configured order; the others go to {@code
   * skipped} with the reason (rating prediction on a table without ratings would score 1.0s).
   */
  private static List<ModelDefinition> evaluable(StageContext ctx, Map<String, String> skipped) {
    List<ModelDefinition> evaluable = new ArrayList<>();
    for (ModelDefinition model : ctx.config().models().enabled()) {
      if (model.needs().contains(ModelDefinition.Need.RATINGS) && !ctx.config().dataset().hasRatings()) {
        skipped.put(model.configName(), "predicts ratings; the dataset has none (dataset.generic.columns.rating is empty)");
        LOG.warn("model {} skipped: {}", model, skipped.get(model.configName()));
      } else {
        evaluable.add(model);
      }
    }
    return evaluable;
  }

  /**
   * Fits {@code model} and evaluates it by every protocol of its task: per-user metrics appended
   * to {@code per_user_metrics/}, aggregate-only ones (beyond-accuracy, RMSE/MAE) added to {@code
   * aggregates}. Returns its timings in seconds.
   */
  private static Map<String, Object> evaluate(StageContext ctx, ModelDefinition model, ModelFitter fitter, EvaluationData data,
      List<Dataset<Row>> aggregates) {
    long start = System.nanoTime();
    Map<String, Object> t = new LinkedHashMap<>();
    ModelFitter.Fitted fitted = fitter.fit(model);
    t.put("fit_seconds", seconds(start));
    if (fitted instanceof ModelFitter.Ranking ranking) {
      evaluateRanking(ctx, model, ranking.scorer(), data, aggregates, t);
    } else if (fitted instanceof ModelFitter.Rating rating) {
      long evalStart = System.nanoTime();
      aggregates.add(materialized(RatingErrorEvaluator.evaluate(rating.predictor(), data.test())
          .withColumn(PerUserMetrics.MODEL, lit(model.configName())).withColumn(PROTOCOL, lit(RATING))));
      t.put("rating_seconds", seconds(evalStart));
    }
    t.put("total_seconds", seconds(start));
    return t;
  }

  /** The sampled protocol, then (when enabled) full ranking, its beyond-accuracy metrics and recommendations. */
  private static void evaluateRanking(StageContext ctx, ModelDefinition model, PairScorer scorer, EvaluationData data,
      List<Dataset<Row>> aggregates, Map<String, Object> t) {
    EvaluationConfig eval = ctx.config().evaluation();
    String name = model.configName();
    try {
      long sampledStart = System.nanoTime();
      writePerUser(ctx, new SampledRankingEvaluator(eval.cutoffs()).evaluate(scorer, data.testCandidates()), name, SAMPLED);
      t.put("sampled_seconds", seconds(sampledStart));
      if (eval.fullRanking()) {
        long fullStart = System.nanoTime();
        FullRankingEvaluator full = new FullRankingEvaluator(eval.cutoffs(), eval.recommendationsK());
        Dataset<Row> top = full.topK(scorer, data.fullUsers(), data.items(), data.train()).persist(StorageLevel.MEMORY_AND_DISK());
        writePerUser(ctx, full.perUser(top, data.test()), name, FULL);
        int k = eval.recommendationsK();
        aggregates.add(materialized(FullRankingEvaluator.beyondAccuracy(top, data.popularity().itemPopularity(), data.catalogue(), k)
            .withColumn(PerUserMetrics.MODEL, lit(name)).withColumn(PROTOCOL, lit(FULL))
            .withColumn(PerUserMetrics.USERS, lit(null).cast("long"))));
        writeRecommendations(ctx, top.where(col(FullRankingEvaluator.RANK).leq(k)), name);
        top.unpersist();
        t.put("full_ranking_seconds", seconds(fullStart));
      }
    } finally {
      if (scorer instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot release " + name, e);
        }
      }
    }
  }

  /**
   * {@code metrics/} and {@code metrics.json}: the means of the per-user values, plus the
   * aggregate-only metrics (coverage, popularity, RMSE, MAE), in the long format. Returns the
   * rows of metrics.json.
   */
  private static List<Map<String, Object>> writeMetrics(StageContext ctx, Dataset<Row> perUser, List<Dataset<Row>> aggregates) {
    Dataset<Row> means = perUser.groupBy(PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF)
        .agg(org.apache.spark.sql.functions.avg(PerUserMetrics.VALUE).as(PerUserMetrics.VALUE),
            org.apache.spark.sql.functions.count(lit(1)).as(PerUserMetrics.USERS));
    String[] order = {PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE, PerUserMetrics.USERS};
    for (Dataset<Row> a : aggregates) {
      means = means.unionByName(a.selectExpr(order));
    }
    String[] columns = {"run_id", "dataset", "split", PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF,
        PerUserMetrics.VALUE, PerUserMetrics.USERS};
    Dataset<Row> metrics = means.selectExpr(order)
        .withColumn("run_id", lit(RunPipeline.runId(ctx.config())))
        .withColumn("dataset", lit(RunPipeline.datasetName(ctx.config().dataset())))
        .withColumn("split", lit(ConfigValues.kebab(ctx.config().split().kind())))
        .selectExpr(columns)
        .orderBy(PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF);
    metrics.coalesce(1).write().mode(SaveMode.Overwrite).partitionBy(PerUserMetrics.MODEL).parquet(ctx.run().path(METRICS));
    List<Map<String, Object>> metricRows = new ArrayList<>();
    for (Row r : ctx.read(METRICS).orderBy(PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF).collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String f : columns) {
        m.put(f, r.get(r.fieldIndex(f)));
      }
      metricRows.add(m);
    }
    ctx.run().writeText(METRICS_JSON, Json.write(metricRows));
    return metricRows;
  }

  /**
   * {@code evaluate/few_interaction_metrics.json}: the per-user metrics' means over {@code users}
   * only (model, protocol, metric, cutoff, value, users), as metrics.json has them. Returns how
   * many test users the segment has.
   */
  private static long writeFewInteractionMetrics(StageContext ctx, Dataset<Row> perUser, Dataset<Row> users) {
    Dataset<Row> segment = users.cache();
    try {
      long count = segment.count();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Row r : perUser.join(segment, new String[] {Columns.USER_IDX}, "left_semi")
          .groupBy(PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF)
          .agg(org.apache.spark.sql.functions.avg(PerUserMetrics.VALUE).as(PerUserMetrics.VALUE),
              org.apache.spark.sql.functions.count(lit(1)).as(PerUserMetrics.USERS))
          .orderBy(PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF).collectAsList()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String f : new String[] {PerUserMetrics.MODEL, PROTOCOL, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE,
            PerUserMetrics.USERS}) {
          m.put(f, r.get(r.fieldIndex(f)));
        }
        rows.add(m);
      }
      ctx.run().writeText(FEW_INTERACTION_METRICS, Json.write(rows));
      return count;
    } finally {
      segment.unpersist();
    }
  }

  private static void writePerUser(StageContext ctx, Dataset<Row> perUser, String model, String protocol) {
    perUser.withColumn(PerUserMetrics.MODEL, lit(model)).withColumn(PROTOCOL, lit(protocol))
        .selectExpr(Columns.USER_IDX, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE, PerUserMetrics.MODEL, PROTOCOL)
        .write().mode(SaveMode.Append).partitionBy(PerUserMetrics.MODEL, PROTOCOL).parquet(ctx.run().path(PER_USER));
  }

  private static void writeRecommendations(StageContext ctx, Dataset<Row> top, String model) {
    IndexStage.load(ctx).toOriginal(top)
        .selectExpr(Columns.USER, Columns.ITEM, Columns.USER_IDX, Columns.ITEM_IDX, FullRankingEvaluator.RANK, PairScorer.SCORE)
        .withColumn(PerUserMetrics.MODEL, lit(model))
        .write().mode(SaveMode.Append).partitionBy(PerUserMetrics.MODEL).parquet(ctx.run().path(RECOMMENDATIONS));
  }

  /** Paired t and Wilcoxon tests of every other ranking model against the configured baseline, on the sampled per-user values. */
  private static List<Map<String, Object>> significance(Dataset<Row> perUser, ModelsConfig models, EvaluationConfig eval) {
    List<Map<String, Object>> tests = new ArrayList<>();
    String baseline = eval.significanceBaseline();
    if (!models.isEnabled(baseline)) {
      return tests;
    }
    Dataset<Row> sampledPerUser = perUser.where(col(PROTOCOL).equalTo(SAMPLED)).drop(PROTOCOL).cache();
    for (ModelDefinition model : models.enabled()) {
      if (model.configName().equals(baseline) || !model.ranks()) {
        continue;
      }
      PairedTests.Result r = PairedTests.compare(sampledPerUser, model.configName(), baseline, eval.significanceMetric(),
          eval.significanceCutoff());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model_a", r.modelA());
      m.put("model_b", r.modelB());
      m.put("metric", r.metric());
      m.put("cutoff", r.cutoff());
      m.put("users", r.users());
      m.put("mean_a", r.meanA());
      m.put("mean_b", r.meanB());
      m.put("t_statistic", r.tStatistic());
      m.put("t_test_p", r.tTestP());
      m.put("wilcoxon_z", r.wilcoxonZ());
      m.put("wilcoxon_p", r.wilcoxonP());
      tests.add(m);
    }
    sampledPerUser.unpersist();
    return tests;
  }

  /** Computes a small aggregate now (so the model's timing includes it) and keeps its rows. */
  private static Dataset<Row> materialized(Dataset<Row> small) {
    return small.sparkSession().createDataFrame(small.collectAsList(), small.schema());
  }

  private static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e6) / 1000.0;
  }

  /**
   * The manifest's at-a-glance results: per model, every metric at the headline cutoff (10, or the
   * largest configured cutoff below it, else the smallest) plus the cutoff-less ones (RMSE, MAE),
   * keyed "protocol/metric@cutoff". The full long-format table is metrics/ and metrics.json.
   */
  static Map<String, Map<String, Object>> metricSummary(List<Map<String, Object>> metricRows, List<Integer> cutoffs) {
    int headline = cutoffs.stream().filter(c -> c <= 10).max(Integer::compare)
        .orElse(cutoffs.stream().min(Integer::compare).orElse(10));
    Map<String, Map<String, Object>> summary = new TreeMap<>();
    for (Map<String, Object> m : metricRows) {
      Object cutoff = m.get(PerUserMetrics.CUTOFF);
      if (cutoff != null && ((Number) cutoff).intValue() != headline) {
        continue;
      }
      String key = m.get(PROTOCOL) + "/" + m.get(PerUserMetrics.METRIC) + (cutoff == null ? "" : "@" + cutoff);
      summary.computeIfAbsent((String) m.get(PerUserMetrics.MODEL), k -> new TreeMap<>()).put(key, m.get(PerUserMetrics.VALUE));
    }
    return summary;
  }
}
