package dev.ncfspark.pipeline;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.io.Json;
import dev.ncfspark.report.CurvePoint;
import dev.ncfspark.report.MetricValue;
import dev.ncfspark.report.ReportInput;
import dev.ncfspark.report.ReportWriter;
import dev.ncfspark.report.SignificanceTest;
import dev.ncfspark.report.StageSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 9: the readable report ({@code report/index.html}, {@code report/report.md}, charts in
 * {@code report/plots/}) from the run's metrics, significance tests, timings, stage statistics
 * and configuration. Rendered in a local temporary folder, then copied into the run (local or S3);
 * then the CSV copies the notebooks read ({@code report/exports/}, see {@link NotebookExports}).
 */
final class ReportStage extends PipelineStage {
  static final String NAME = "report";

  ReportStage() {
    super(NAME);
  }

  @Override
  @SuppressWarnings("unchecked")
  StageStats run(StageContext ctx) {
    List<MetricValue> metrics = metricValues(ctx.run().readText(EvaluateStage.METRICS_JSON).orElseThrow());
    Map<String, Object> evaluated = markerStats(ctx, EvaluateStage.NAME).map(StageStats::details).orElse(Map.of());
    Optional<String> segmentJson = ctx.run().readText(EvaluateStage.FEW_INTERACTION_METRICS);
    List<MetricValue> segmentMetrics = segmentJson.map(ReportStage::metricValues).orElse(List.of());
    String segment = segmentJson.isPresent() && evaluated.get("few_interaction_users") instanceof Number users
        ? String.format(java.util.Locale.ROOT, "%,d", users.longValue()) + " test users whose test items have at most " + evaluated.get("few_interactions")
            + " training interactions each"
        : null;
    List<StageSummary> stages = new ArrayList<>();
    for (PipelineStage stage : RunPipeline.STAGES) {
      // the stages whose output is an interactions table (rows, users, items of interactions)
      if (!List.of(IngestStage.NAME, FilterStage.NAME, SplitStage.NAME).contains(stage.name())) {
        continue;
      }
      markerStats(ctx, stage.name()).ifPresent(s -> stages.add(new StageSummary(stage.name(), s.rows(), s.users(), s.items(), s.seconds())));
    }
    List<SignificanceTest> tests = new ArrayList<>();
    for (Object o : Json.readList(ctx.run().readText(EvaluateStage.SIGNIFICANCE).orElse("[]"))) {
      Map<String, Object> m = (Map<String, Object>) o;
      tests.add(new SignificanceTest((String) m.get("model_a"), (String) m.get("model_b"), (String) m.get("metric"),
          m.get("cutoff") == null ? null : ((Number) m.get("cutoff")).intValue(), ((Number) m.get("users")).longValue(),
          number(m.get("mean_a")), number(m.get("mean_b")), number(m.get("t_test_p")), number(m.get("wilcoxon_p"))));
    }
    Map<String, Double> seconds = new LinkedHashMap<>();
    Json.readMap(ctx.run().readText(EvaluateStage.TIMINGS).orElse("{}"))
        .forEach((model, t) -> seconds.put(model, number(((Map<String, Object>) t).get("total_seconds"))));
    List<CurvePoint> curves = trainingCurves(ctx);
    ReportInput input = new ReportInput(RunPipeline.runId(ctx.config()), RunPipeline.datasetName(ctx.config().dataset()),
        ConfigValues.kebab(ctx.config().split().kind()), protocol(ctx),
        metrics, stages, curves, tests, seconds, ctx.config().toJson(), segmentMetrics, segment);
    try {
      Path local = Files.createTempDirectory("ncf-report");
      ReportWriter.write(input, local);
      ctx.run().copyFromLocal(local, NAME);
      long files;
      try (var walk = Files.walk(local)) {
        files = walk.filter(Files::isRegularFile).count();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("files", files);
      details.put("index", ctx.run().path(NAME + "/index.html"));
      // CSV copies for notebooks/ (after the copy above, which replaces the report folder)
      details.put("notebook_exports", NotebookExports.write(ctx, curves));
      return new StageStats(metrics.size(), 0, 0, 0, details);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report", e);
    }
  }

  /** The rows of metrics.json (or of a segment's metrics in that format) as report values. */
  @SuppressWarnings("unchecked")
  private static List<MetricValue> metricValues(String json) {
    List<MetricValue> metrics = new ArrayList<>();
    for (Object o : Json.readList(json)) {
      Map<String, Object> m = (Map<String, Object>) o;
      metrics.add(new MetricValue((String) m.get("model"), MetricValue.Protocol.of((String) m.get(EvaluateStage.PROTOCOL)), (String) m.get("metric"),
          m.get("cutoff") == null ? null : ((Number) m.get("cutoff")).intValue(), number(m.get("value"))));
    }
    return metrics;
  }

  /** Per-epoch curves of the NCF models: training loss, validation HR@K and NDCG@K, samples/s. */
  @SuppressWarnings("unchecked")
  static List<CurvePoint> trainingCurves(StageContext ctx) {
    List<CurvePoint> curves = new ArrayList<>();
    int k = ctx.config().models().ncf().validationCutoff();
    for (Object o : Json.readList(ctx.run().readText(TrainStage.CURVES).orElse("[]"))) {
      Map<String, Object> m = (Map<String, Object>) o;
      String model = (String) m.get("model");
      int epoch = ((Number) m.get("epoch")).intValue();
      curves.add(new CurvePoint(model, epoch, "training loss", number(m.get("loss"))));
      curves.add(new CurvePoint(model, epoch, "validation HR@" + k, number(m.get("validation_hr"))));
      curves.add(new CurvePoint(model, epoch, "validation NDCG@" + k, number(m.get("validation_ndcg"))));
      curves.add(new CurvePoint(model, epoch, "samples/s", number(m.get("samples_per_second"))));
    }
    return curves;
  }

  /** The statistics a finished stage wrote into its marker, if it ran in this run folder. */
  @SuppressWarnings("unchecked")
  private static Optional<StageStats> markerStats(StageContext ctx, String stage) {
    return ctx.run().readText(stage + "/" + RunPipeline.MARKER)
        .map(text -> StageStats.fromMap((Map<String, Object>) Json.readMap(text).get("stats")));
  }

  private static String protocol(StageContext ctx) {
    String split = ConfigValues.kebab(ctx.config().split().kind());
    Map<String, Object> evaluated = markerStats(ctx, EvaluateStage.NAME).map(StageStats::details).orElse(Map.of());
    Object fullUsers = evaluated.get("full_ranking_users");
    Object positives = evaluated.get("test_lists_containing_their_positive");
    int sample = ctx.config().evaluation().fullRankingUsers();
    Object shortUsers = markerStats(ctx, NegativesStage.NAME).map(StageStats::details).orElse(Map.of())
        .get(NegativesStage.SHORT_TEST_USERS);
    int count = ctx.config().negatives().evalCount();
    return split + ", " + count + " sampled negatives per test user"
        + (positives instanceof Number n && n.longValue() > 0
            ? " (" + n.longValue() + " lists contained their positive: removed from the list, counted)" : "")
        + (shortUsers instanceof Number n && n.longValue() > 0
            ? " (" + n.longValue() + " test users have fewer than " + count + " items they never interacted with and were ranked "
                + "against all of them: their sampled metrics are not comparable with the others')" : "")
        + (ctx.config().evaluation().fullRanking()
            ? "; full ranking over unseen items for " + (fullUsers == null ? "?" : fullUsers)
                + (sample > 0 ? " test users (a seeded sample of at most " + sample + ")" : " test users (all)")
            : "");
  }

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    return o == null ? Double.NaN : Double.parseDouble(o.toString());
  }
}
