package dev.ncfspark.report;

import java.util.Objects;

/**
 * One aggregate evaluation result of one model, e.g. {@code NDCG@10 = 0.4123} or {@code RMSE = 0.87}: a cell of the
 * report's side-by-side metrics table.
 *
 * @param model  the model's display name
 * @param metric the metric's name, e.g. {@code HR}, {@code NDCG}, {@code RMSE}; names starting with {@code RMSE} or
 *               {@code MAE} (any case) are lower-is-better, all others higher-is-better
 * @param cutoff the list length K (at least 1), or {@code null} when the metric has no cutoff (e.g. RMSE)
 * @param value  the value; non-finite values are shown but never marked as the best
 */
public record MetricValue(String model, String metric, Integer cutoff, double value) {

    public MetricValue {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        if (cutoff != null && cutoff < 1) {
            throw new IllegalArgumentException("cutoff must be at least 1 (or null), got " + cutoff + " for " + metric);
        }
    }
}
