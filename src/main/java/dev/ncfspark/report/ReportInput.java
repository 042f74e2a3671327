package dev.ncfspark.report;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the human-readable report of one evaluation run shows, as plain Java data (no Spark), so that the
 * report can be written and tested without a cluster. {@code null} lists and maps are read as empty; the
 * collections are copied.
 *
 * @param runId          the run's id (required), shown in the title
 * @param dataset        the dataset's name
 * @param split          the split, e.g. {@code leave-one-out}
 * @param protocol       the evaluation protocol, e.g. {@code "leave-one-out, 99 sampled negatives"}
 * @param metrics        the aggregate results, one per model, metric and cutoff
 * @param dataStages     the data's size after each preparation stage, in pipeline order
 * @param trainingCurves per-epoch training curves; may be empty (no trained model)
 * @param significance   paired significance tests between models
 * @param modelSeconds   wall-clock seconds per model (training plus scoring)
 * @param configJson     the run's resolved configuration, shown verbatim; may be {@code null}
 * @param segmentMetrics the same metrics on a segment of the test users (the few-interaction items); may be empty
 * @param segment        what that segment is, e.g. "212 test users whose test item has at most 5 training
 *                       interactions"; {@code null} without a segment
 */
public record ReportInput(String runId, String dataset, String split, String protocol,
        List<MetricValue> metrics, List<StageSummary> dataStages, List<CurvePoint> trainingCurves,
        List<SignificanceTest> significance, Map<String, Double> modelSeconds, String configJson,
        List<MetricValue> segmentMetrics, String segment) {

    /** A report without a segment of the test users. */
    public ReportInput(String runId, String dataset, String split, String protocol,
            List<MetricValue> metrics, List<StageSummary> dataStages, List<CurvePoint> trainingCurves,
            List<SignificanceTest> significance, Map<String, Double> modelSeconds, String configJson) {
        this(runId, dataset, split, protocol, metrics, dataStages, trainingCurves, significance, modelSeconds, configJson, List.of(), null);
    }

    public ReportInput {
        Objects.requireNonNull(runId, "runId");
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        segmentMetrics = segmentMetrics == null ? List.of() : List.copyOf(segmentMetrics);
        dataStages = dataStages == null ? List.of() : List.copyOf(dataStages);
        trainingCurves = trainingCurves == null ? List.of() : List.copyOf(trainingCurves);
        significance = significance == null ? List.of() : List.copyOf(significance);
        modelSeconds = modelSeconds == null ? Map.of() : Map.copyOf(modelSeconds);
    }
}
