package dev.ncfspark.report;

import java.util.List;

/**
 * A line chart to render: one line per series. With {@code categories} the x axis is categorical (evenly spaced
 * labels, e.g. the cutoffs 1, 5, 10, 20) and each series has one y value per category ({@code null} where it has
 * none); without, the x axis is numeric (e.g. epochs) and each series has its own x values.
 */
record ChartSpec(String fileName, String title, String xAxisTitle, String yAxisTitle, List<String> categories,
        List<Series> series) {

    static final int WIDTH = 800;
    static final int HEIGHT = 450;

    /** One line. {@code x} is ignored on a categorical chart. */
    record Series(String name, List<Double> x, List<Double> y) {
    }
}
