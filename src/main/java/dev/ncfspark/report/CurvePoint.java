package dev.ncfspark.report;

import java.util.Objects;

/**
 * One point of a per-epoch training curve (training loss, validation HR@10, ...) of one trained model; the report
 * draws one chart per metric with one line per model.
 *
 * @param model  the model's display name
 * @param epoch  the epoch number (the x axis)
 * @param metric the curve's name, e.g. {@code loss} or {@code HR@10}; used as the chart's title and y axis
 * @param value  the value; non-finite values are left out of the chart
 */
public record CurvePoint(String model, int epoch, String metric, double value) {

    public CurvePoint {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
    }
}
