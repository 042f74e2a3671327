package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.EvaluationConfig;
import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.evaluation.FullRankingEvaluator;
import dev.ncfspark.evaluation.PairedTests;
import dev.ncfspark.evaluation.PerUserMetrics;
import dev.ncfspark.evaluation.RatingErrorEvaluator;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.AlsRanker;
import dev.ncfspark.models.AlsRatingPredictor;
import dev.ncfspark.models.MostPopular;
import dev.ncfspark.models.NaiveRatingPredictor;
import dev.ncfspark.models.PairScorer;
import dev.ncfspark.models.RandomScorer;
import dev.ncfspark.models.RatingPredictor;
import dev.ncfspark.models.ncf.NcfCheckpoints;
import dev.ncfspark.models.ncf.NcfScorer;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
 * Stage 8: fits the enabled baseline models on train, loads the NCF models the train stage wrote,
 * and evaluates every model on the same test
 * split and the same fixed negatives. Writes {@code metrics/} (long format: run_id, dataset,
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
  static final String RECOMMENDATIONS = "recommendations";
  static final String SIGNIFICANCE = NAME + "/significance.json";
  static final String TIMINGS = NAME + "/timings.json";
  static final String GRID = NAME + "/als_grid.json";
  static final String SAMPLED = "sampled";
  static final String FULL = "full";
  static final String RATING = "rating";

  EvaluateStage() {
    super(NAME, "models", "evaluation", "run.seed");
  }

  @Override
  List<String> outputs() {
    return List.of(NAME, METRICS, METRICS_JSON, PER_USER, RECOMMENDATIONS);
  }

  @Override
  StageStats run(StageContext ctx) {
    ModelsConfig models = ctx.config().models();
    EvaluationConfig eval = ctx.config().evaluation();
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS);
    Dataset<Row> train = splits.where(col(Columns.SPLIT).equalTo(Columns.TRAIN)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> test = splits.where(col(Columns.SPLIT).equalTo(Columns.TEST)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> negatives = ctx.read(NegativesStage.EVAL);
    Dataset<Row> items = ctx.read(IndexStage.ITEMS);
    long catalogue = items.count();
    SampledRankingEvaluator sampled = new SampledRankingEvaluator(eval.cutoffs());
    Dataset<Row> testCandidates = SampledRankingEvaluator.candidates(test.select(Columns.USER_IDX, Columns.ITEM_IDX),
        negatives.where(col(Columns.SPLIT).equalTo(Columns.TEST))).persist(StorageLevel.MEMORY_AND_DISK());
    FullRankingEvaluator full = new FullRankingEvaluator(eval.cutoffs(), eval.recommendationsK());
    Dataset<Row> fullUsers = FullRankingEvaluator.users(test, eval.fullRankingUsers(), ctx.seed()).cache();
    MostPopular popularity = MostPopular.fit(train);

    Map<String, Object> details = new LinkedHashMap<>();
    details.put("test_lists_containing_their_positive", SampledRankingEvaluator.listsContainingThePositive(
        test.select(Columns.USER_IDX, Columns.ITEM_IDX), negatives.where(col(Columns.SPLIT).equalTo(Columns.TEST))));
    details.put("full_ranking_users", eval.fullRanking() ? fullUsers.count() : 0);
    Map<String, Object> timings = new LinkedHashMap<>();
    List<Dataset<Row>> aggregate = new ArrayList<>();

    for (String model : models.enabled()) {
      long start = System.nanoTime();
      Map<String, Object> t = new LinkedHashMap<>();
      if (ModelsConfig.RANKING.contains(model)) {
        PairScorer scorer = fitRanking(ctx, model, models, train, popularity, catalogue, details);
        t.put("fit_seconds", seconds(start));
        long evalStart = System.nanoTime();
        writePerUser(ctx, sampled.evaluate(scorer, testCandidates), model, SAMPLED);
        t.put("sampled_seconds", seconds(evalStart));
        if (eval.fullRanking()) {
          long fullStart = System.nanoTime();
          Dataset<Row> top = full.topK(scorer, fullUsers, items, train).persist(StorageLevel.MEMORY_AND_DISK());
          writePerUser(ctx, full.perUser(top, test), model, FULL);
          int k = eval.recommendationsK();
          aggregate.add(materialized(FullRankingEvaluator.beyondAccuracy(top, popularity.itemPopularity(), catalogue, k)
              .withColumn(PerUserMetrics.MODEL, lit(model)).withColumn("protocol", lit(FULL)).withColumn(PerUserMetrics.USERS, lit(null).cast("long"))));
          writeRecommendations(ctx, top.where(col(FullRankingEvaluator.RANK).leq(k)), model);
          top.unpersist();
          t.put("full_ranking_seconds", seconds(fullStart));
        }
        if (scorer instanceof AutoCloseable closeable) {
          try {
            closeable.close();
          } catch (Exception e) {
            throw new IllegalStateException("cannot release " + model, e);
          }
        }
      } else {
        RatingPredictor predictor = fitRating(model, models, train, ctx.seed());
        t.put("fit_seconds", seconds(start));
        long evalStart = System.nanoTime();
        aggregate.add(materialized(RatingErrorEvaluator.evaluate(predictor, test)
            .withColumn(PerUserMetrics.MODEL, lit(model)).withColumn("protocol", lit(RATING))));
        t.put("rating_seconds", seconds(evalStart));
      }
      t.put("total_seconds", seconds(start));
      timings.put(model, t);
      LOG.info("model {}: {}", model, t);
    }

    // means of the per-user values, plus the aggregate-only metrics (coverage, popularity, RMSE, MAE)
    Dataset<Row> perUser = ctx.spark().read().parquet(ctx.run().path(PER_USER));
    Dataset<Row> means = perUser.groupBy(PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF)
        .agg(org.apache.spark.sql.functions.avg(PerUserMetrics.VALUE).as(PerUserMetrics.VALUE),
            org.apache.spark.sql.functions.count(lit(1)).as(PerUserMetrics.USERS));
    String[] order = {PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE, PerUserMetrics.USERS};
    for (Dataset<Row> a : aggregate) {
      means = means.unionByName(a.selectExpr(order));
    }
    Dataset<Row> metrics = means.selectExpr(order)
        .withColumn("run_id", lit(RunPipeline.runId(ctx.config())))
        .withColumn("dataset", lit(RunPipeline.datasetName(ctx.config().dataset())))
        .withColumn("split", lit(ConfigValues.kebab(ctx.config().split().kind())))
        .selectExpr("run_id", "dataset", "split", PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF,
            PerUserMetrics.VALUE, PerUserMetrics.USERS)
        .orderBy(PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF);
    metrics.coalesce(1).write().mode(SaveMode.Overwrite).partitionBy(PerUserMetrics.MODEL).parquet(ctx.run().path(METRICS));
    List<Map<String, Object>> metricRows = new ArrayList<>();
    for (Row r : ctx.read(METRICS).orderBy(PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC, PerUserMetrics.CUTOFF).collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String f : new String[] {"run_id", "dataset", "split", PerUserMetrics.MODEL, "protocol", PerUserMetrics.METRIC,
          PerUserMetrics.CUTOFF, PerUserMetrics.VALUE, PerUserMetrics.USERS}) {
        m.put(f, r.get(r.fieldIndex(f)));
      }
      metricRows.add(m);
    }
    ctx.run().writeText(METRICS_JSON, Json.write(metricRows));
    details.put("metric_summary", metricSummary(metricRows, eval.cutoffs()));

    List<Map<String, Object>> tests = significance(ctx, perUser, models, ctx.config().evaluation());
    ctx.run().writeText(SIGNIFICANCE, Json.write(tests));
    ctx.run().writeText(TIMINGS, Json.write(timings));
    details.put("models", models.enabled());
    details.put("timings", timings);
    // counted while the test split is still cached
    long testUsers = test.select(Columns.USER_IDX).distinct().count();
    train.unpersist();
    test.unpersist();
    testCandidates.unpersist();
    return new StageStats(metricRows.size(), testUsers, catalogue, 0, details);
  }

  private PairScorer fitRanking(StageContext ctx, String model, ModelsConfig models, Dataset<Row> train, MostPopular popularity,
      long catalogue, Map<String, Object> details) {
    return switch (model) {
      case "most-pop" -> popularity;
      case "random" -> new RandomScorer(ctx.seed());
      case "gmf", "mlp", "neumf" -> {
        byte[] bytes = ctx.run().readBytes(TrainStage.modelPath(model))
            .orElseThrow(() -> new IllegalStateException("no trained " + model + " in " + ctx.run().path(TrainStage.NAME)));
        ComputationGraph net = NcfCheckpoints.restore(bytes, false, ctx.run().path(TrainStage.modelPath(model)));
        NcfConfig ncf = models.ncf();
        yield NcfScorer.of(ctx.spark(), net, Math.toIntExact(ctx.read(IndexStage.USERS).count()), Math.toIntExact(catalogue),
            ncf.scoringBatch(), ncf.spark().ompThreads());
      }
      case "als" -> {
        AlsGridSearch.Outcome best = AlsGridSearch.search(ctx, models.als(), train);
        if (best.grid() != null) {
          details.put("als_grid", best.grid());
          ctx.run().writeText(GRID, Json.write(best.grid()));
        }
        AlsRanker.Params chosen = best.params();
        details.put("als_params", Map.of("rank", chosen.rank(), "reg_param", chosen.regParam(), "alpha", chosen.alpha(),
            "max_iter", chosen.maxIter()));
        yield AlsRanker.fit(train, chosen, ctx.seed());
      }
      default -> throw new IllegalArgumentException("not a ranking model: " + model);
    };
  }

  private static RatingPredictor fitRating(String model, ModelsConfig models, Dataset<Row> train, long seed) {
    return switch (model) {
      case "als-explicit" -> AlsRatingPredictor.fit(train,
          new AlsRatingPredictor.Params(models.alsExplicit().rank(), models.alsExplicit().regParam(), models.alsExplicit().maxIter()), seed);
      case "global-mean" -> NaiveRatingPredictor.fit(train, NaiveRatingPredictor.Kind.GLOBAL_MEAN, seed);
      case "majority-rating" -> NaiveRatingPredictor.fit(train, NaiveRatingPredictor.Kind.MAJORITY_RATING, seed);
      case "random-rating" -> NaiveRatingPredictor.fit(train, NaiveRatingPredictor.Kind.RANDOM_RATING, seed);
      case "frequency-random-rating" -> NaiveRatingPredictor.fit(train, NaiveRatingPredictor.Kind.FREQUENCY_RANDOM_RATING, seed);
      default -> throw new IllegalArgumentException("not a rating model: " + model);
    };
  }

  private static void writePerUser(StageContext ctx, Dataset<Row> perUser, String model, String protocol) {
    perUser.withColumn(PerUserMetrics.MODEL, lit(model)).withColumn("protocol", lit(protocol))
        .selectExpr(Columns.USER_IDX, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF, PerUserMetrics.VALUE, PerUserMetrics.MODEL, "protocol")
        .write().mode(SaveMode.Append).partitionBy(PerUserMetrics.MODEL, "protocol").parquet(ctx.run().path(PER_USER));
  }

  private static void writeRecommendations(StageContext ctx, Dataset<Row> top, String model) {
    IndexStage.load(ctx).toOriginal(top)
        .selectExpr(Columns.USER, Columns.ITEM, Columns.USER_IDX, Columns.ITEM_IDX, FullRankingEvaluator.RANK, PairScorer.SCORE)
        .withColumn(PerUserMetrics.MODEL, lit(model))
        .write().mode(SaveMode.Append).partitionBy(PerUserMetrics.MODEL).parquet(ctx.run().path(RECOMMENDATIONS));
  }

  private static List<Map<String, Object>> significance(StageContext ctx, Dataset<Row> perUser, ModelsConfig models, EvaluationConfig eval) {
    List<Map<String, Object>> tests = new ArrayList<>();
    String baseline = eval.significanceBaseline();
    if (!models.enabled().contains(baseline)) {
      return tests;
    }
    Dataset<Row> sampledPerUser = perUser.where(col("protocol").equalTo(SAMPLED)).drop("protocol").cache();
    for (String model : models.enabled()) {
      if (model.equals(baseline) || !ModelsConfig.RANKING.contains(model)) {
        continue;
      }
      PairedTests.Result r = PairedTests.compare(sampledPerUser, model, baseline, eval.significanceMetric(), eval.significanceCutoff());
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
      String key = m.get("protocol") + "/" + m.get(PerUserMetrics.METRIC) + (cutoff == null ? "" : "@" + cutoff);
      summary.computeIfAbsent((String) m.get(PerUserMetrics.MODEL), k -> new TreeMap<>()).put(key, m.get(PerUserMetrics.VALUE));
    }
    return summary;
  }
}
