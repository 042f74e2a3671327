package dev.ncfspark.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link ReportInput} into the report's blocks and the charts they show. Everything is sorted (models,
 * metrics, cutoffs, tests) so that the output depends only on the input's content, except the data stages, which
 * keep the pipeline order they are given in.
 */
final class ReportContent {

    static final String PLOTS_DIR = "plots";
    static final String NO_CURVES = "No trained model has per-epoch training curves.";
    static final String NO_SEVERAL_CUTOFFS = "No metric was computed at several cutoffs.";

    /** The blocks of the page, the charts to render into {@link #PLOTS_DIR}, and the page title. */
    record Built(String title, List<Doc.Block> blocks, List<ChartSpec> charts) {
    }

    /** A column of a metrics table: a metric at a cutoff, by one protocol. */
    private record Column(MetricValue.Protocol protocol, String metric, Integer cutoff) {
        /** The metric as the report names it: full-ranking metrics marked, so that charts and headers tell them apart. */
        String shownMetric() {
            return metric + protocol.suffix();
        }

        String label() {
            return Formats.label(shownMetric(), cutoff);
        }
    }

    private static final Comparator<Column> COLUMN_ORDER = Comparator
            .comparing(Column::shownMetric, Formats.METRIC_ORDER)
            .thenComparing(Column::cutoff, Formats.CUTOFF_ORDER);

    private final ReportInput in;
    private final List<Doc.Block> blocks = new ArrayList<>();
    private final List<ChartSpec> charts = new ArrayList<>();

    private ReportContent(ReportInput in) {
        this.in = in;
    }

    static Built build(ReportInput input) {
        ReportContent c = new ReportContent(Objects.requireNonNull(input, "input"));
        String title = "Evaluation report: " + oneLine(input.runId());
        c.blocks.add(new Doc.Heading(1, title));
        c.blocks.add(new Doc.Para(List.of(
                new Doc.Span("Dataset: ", true), new Doc.Span(orDash(input.dataset()), false),
                new Doc.Span(" · ", false), new Doc.Span("Split: ", true), new Doc.Span(orDash(input.split()), false),
                new Doc.Span(" · ", false), new Doc.Span("Protocol: ", true),
                new Doc.Span(orDash(input.protocol()), false))));
        Map<Column, Map<String, Double>> byColumn = c.metricsByColumn(input.metrics());
        c.metricsTable(byColumn);
        c.segmentTables();
        c.cutoffCharts(byColumn);
        c.trainingCurves();
        c.significance();
        c.dataStages();
        c.timings();
        c.configuration();
        return new Built(title, List.copyOf(c.blocks), List.copyOf(c.charts));
    }

    /** column -> model -> value, columns and models sorted; conflicting duplicates are rejected. */
    private static Map<Column, Map<String, Double>> metricsByColumn(List<MetricValue> metrics) {
        Map<Column, Map<String, Double>> byColumn = new TreeMap<>(COLUMN_ORDER);
        for (MetricValue m : metrics) {
            Column column = new Column(m.protocol(), m.metric(), m.cutoff());
            Map<String, Double> models = byColumn.computeIfAbsent(column, k -> new TreeMap<>(Formats.NAME_ORDER));
            Double previous = models.putIfAbsent(m.model(), m.value());
            if (previous != null && Double.compare(previous, m.value()) != 0) {
                throw new IllegalArgumentException("two different values for " + m.model() + " "
                        + column.label() + ": " + previous + " and " + m.value());
            }
        }
        return byColumn;
    }

    private void metricsTable(Map<Column, Map<String, Double>> byColumn) {
        blocks.add(new Doc.Heading(2, "Metrics"));
        if (byColumn.isEmpty()) {
            blocks.add(Doc.Para.of("No metrics were computed."));
            return;
        }
        protocolTables(byColumn);
    }

    /** The same metrics on the segment of test users the run evaluated apart (items with few training interactions). */
    private void segmentTables() {
        if (in.segment() == null) {
            return;
        }
        blocks.add(new Doc.Heading(2, "Metrics on items with few training interactions"));
        blocks.add(Doc.Para.of("The metrics above, on the " + in.segment() + " only: where a model that knows the items' "
                + "content or side information should do better than the collaborative ones."));
        Map<Column, Map<String, Double>> byColumn = metricsByColumn(in.segmentMetrics());
        if (byColumn.isEmpty()) {
            blocks.add(Doc.Para.of("No test user is in this segment."));
            return;
        }
        protocolTables(byColumn);
    }

    private void protocolTables(Map<Column, Map<String, Double>> byColumn) {
        // one table per protocol, each with only the models that have values in it
        Map<MetricValue.Protocol, Map<Column, Map<String, Double>>> groups = new java.util.EnumMap<>(MetricValue.Protocol.class);
        byColumn.forEach((column, values) -> groups.computeIfAbsent(column.protocol(), p -> new LinkedHashMap<>()).put(column, values));
        for (Map.Entry<MetricValue.Protocol, Map<Column, Map<String, Double>>> g : groups.entrySet()) {
            if (groups.size() > 1) {
                blocks.add(new Doc.Heading(3, g.getKey().title()));
            }
            metricsGroupTable(g.getValue());
        }
    }

    private void metricsGroupTable(Map<Column, Map<String, Double>> byColumn) {
        TreeSet<String> models = new TreeSet<>(Formats.NAME_ORDER);
        byColumn.values().forEach(m -> models.addAll(m.keySet()));

        List<Doc.Header> headers = new ArrayList<>();
        headers.add(new Doc.Header("Model", false));
        Map<Column, BigDecimal> best = new LinkedHashMap<>();
        for (Map.Entry<Column, Map<String, Double>> e : byColumn.entrySet()) {
            Column column = e.getKey();
            headers.add(column.cutoff() == null ? new Doc.Header(column.label(), true)
                    : new Doc.Header(column.label(), true, column.shownMetric(), "@" + column.cutoff()));
            best.put(e.getKey(), Formats.descriptive(column.metric()) ? null
                    : best(e.getValue().values(), Formats.lowerIsBetter(column.metric())));
        }
        List<List<Doc.Cell>> rows = new ArrayList<>();
        for (String model : models) {
            List<Doc.Cell> row = new ArrayList<>();
            row.add(Doc.Cell.plain(model));
            for (Map.Entry<Column, Map<String, Double>> e : byColumn.entrySet()) {
                Double v = e.getValue().get(model);
                if (v == null) {
                    row.add(Doc.Cell.plain("—"));
                } else {
                    BigDecimal shown = Formats.rounded4(v);
                    BigDecimal b = best.get(e.getKey());
                    boolean isBest = shown != null && b != null && shown.compareTo(b) == 0;
                    row.add(new Doc.Cell(Formats.fixed4(v), isBest, ""));
                }
            }
            rows.add(row);
        }
        blocks.add(new Doc.Table(headers, rows, "Best value of each column in bold (ties all bold, compared as "
                + "shown, to 4 decimals): higher is better, except for RMSE and MAE, where lower is better; "
                + "MeanPopularity describes the lists and has no best value."));
    }

    /** The best displayed value of a column, or null when it has no finite value. */
    static BigDecimal best(Iterable<Double> values, boolean lowerIsBetter) {
        BigDecimal best = null;
        for (double v : values) {
            BigDecimal shown = Formats.rounded4(v);
            if (shown != null && (best == null
                    || (lowerIsBetter ? shown.compareTo(best) < 0 : shown.compareTo(best) > 0))) {
                best = shown;
            }
        }
        return best;
    }

    private void cutoffCharts(Map<Column, Map<String, Double>> byColumn) {
        blocks.add(new Doc.Heading(2, "Metrics by cutoff"));
        // metric -> cutoff -> model -> value (finite values with a cutoff only)
        Map<String, TreeMap<Integer, Map<String, Double>>> byMetric = new TreeMap<>(Formats.METRIC_ORDER);
        byColumn.forEach((column, models) -> {
            if (column.cutoff() == null) {
                return;
            }
            models.forEach((model, value) -> {
                if (Double.isFinite(value)) {
                    byMetric.computeIfAbsent(column.shownMetric(), k -> new TreeMap<>())
                            .computeIfAbsent(column.cutoff(), k -> new TreeMap<>(Formats.NAME_ORDER))
                            .put(model, value);
                }
            });
        });
        int n = 0;
        for (Map.Entry<String, TreeMap<Integer, Map<String, Double>>> e : byMetric.entrySet()) {
            TreeMap<Integer, Map<String, Double>> byCutoff = e.getValue();
            if (byCutoff.size() < 2) {
                continue;
            }
            TreeSet<String> models = new TreeSet<>(Formats.NAME_ORDER);
            byCutoff.values().forEach(m -> models.addAll(m.keySet()));
            List<String> categories = byCutoff.keySet().stream().map(String::valueOf).toList();
            List<ChartSpec.Series> series = new ArrayList<>();
            for (String model : models) {
                List<Double> y = new ArrayList<>();
                byCutoff.values().forEach(m -> y.add(m.get(model)));
                series.add(new ChartSpec.Series(model, List.of(), y));
            }
            String metric = oneLine(e.getKey());
            String title = metric + "@K by model";
            addChart(new ChartSpec(fileName("cutoff", ++n, metric), title, "K (cutoff)", metric, categories, series));
        }
        if (n == 0) {
            blocks.add(Doc.Para.of(NO_SEVERAL_CUTOFFS));
        }
    }

    private void trainingCurves() {
        blocks.add(new Doc.Heading(2, "Training curves"));
        if (in.trainingCurves().isEmpty()) {
            blocks.add(Doc.Para.of(NO_CURVES));
            return;
        }
        // metric -> model -> epoch -> value
        Map<String, Map<String, TreeMap<Integer, Double>>> curves = new TreeMap<>(Formats.METRIC_ORDER);
        for (CurvePoint p : in.trainingCurves()) {
            Double previous = curves.computeIfAbsent(p.metric(), k -> new TreeMap<>(Formats.NAME_ORDER))
                    .computeIfAbsent(p.model(), k -> new TreeMap<>())
                    .putIfAbsent(p.epoch(), p.value());
            if (previous != null && Double.compare(previous, p.value()) != 0) {
                throw new IllegalArgumentException("two different values for " + p.model() + " " + p.metric()
                        + " at epoch " + p.epoch() + ": " + previous + " and " + p.value());
            }
        }
        int n = 0;
        for (Map.Entry<String, Map<String, TreeMap<Integer, Double>>> e : curves.entrySet()) {
            String metric = oneLine(e.getKey());
            List<ChartSpec.Series> series = new ArrayList<>();
            e.getValue().forEach((model, points) -> {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                points.forEach((epoch, value) -> {
                    if (Double.isFinite(value)) {
                        x.add((double) epoch);
                        y.add(value);
                    }
                });
                if (!x.isEmpty()) {
                    series.add(new ChartSpec.Series(model, x, y));
                }
            });
            if (series.isEmpty()) {
                blocks.add(Doc.Para.of("The training curve " + metric + " has no finite value."));
                continue;
            }
            addChart(new ChartSpec(fileName("curve", ++n, metric), metric + " by epoch", "epoch", metric, null,
                    series));
        }
    }

    private void significance() {
        blocks.add(new Doc.Heading(2, "Significance tests"));
        if (in.significance().isEmpty()) {
            blocks.add(Doc.Para.of("No significance tests were run."));
            return;
        }
        List<SignificanceTest> tests = new ArrayList<>(in.significance());
        tests.sort(Comparator.comparing(SignificanceTest::metric, Formats.METRIC_ORDER)
                .thenComparing(SignificanceTest::cutoff, Formats.CUTOFF_ORDER)
                .thenComparing(SignificanceTest::modelA, Formats.NAME_ORDER)
                .thenComparing(SignificanceTest::modelB, Formats.NAME_ORDER));
        List<Doc.Header> headers = List.of(new Doc.Header("Model A", false), new Doc.Header("Model B", false),
                new Doc.Header("Metric", false), new Doc.Header("Users", true), new Doc.Header("Mean A", true),
                new Doc.Header("Mean B", true), new Doc.Header("Paired t-test p", true),
                new Doc.Header("Wilcoxon p", true));
        List<List<Doc.Cell>> rows = new ArrayList<>();
        for (SignificanceTest t : tests) {
            rows.add(List.of(Doc.Cell.plain(t.modelA()), Doc.Cell.plain(t.modelB()),
                    Doc.Cell.plain(Formats.label(t.metric(), t.cutoff())), Doc.Cell.plain(Formats.count(t.users())),
                    Doc.Cell.plain(Formats.fixed4(t.meanA())), Doc.Cell.plain(Formats.fixed4(t.meanB())),
                    pCell(t.tTestP()), pCell(t.wilcoxonP())));
        }
        blocks.add(new Doc.Table(headers, rows, "* p < 0.05 (two-sided), also in bold."));
    }

    static Doc.Cell pCell(double p) {
        boolean significant = Formats.significant(p);
        return new Doc.Cell(Formats.pValue(p), significant, significant ? "*" : "");
    }

    private void dataStages() {
        blocks.add(new Doc.Heading(2, "Data after each preparation stage"));
        if (in.dataStages().isEmpty()) {
            blocks.add(Doc.Para.of("No data statistics were recorded."));
            return;
        }
        List<Doc.Header> headers = List.of(new Doc.Header("Stage", false), new Doc.Header("Rows", true),
                new Doc.Header("Users", true), new Doc.Header("Items", true), new Doc.Header("Density", true),
                new Doc.Header("Seconds", true));
        List<List<Doc.Cell>> rows = new ArrayList<>();
        for (StageSummary s : in.dataStages()) {
            String density = s.users() > 0 && s.items() > 0
                    ? Formats.percent((double) s.rows() / ((double) s.users() * (double) s.items()))
                    : "—";
            rows.add(List.of(Doc.Cell.plain(s.stage()), Doc.Cell.plain(Formats.count(s.rows())),
                    Doc.Cell.plain(Formats.count(s.users())), Doc.Cell.plain(Formats.count(s.items())),
                    Doc.Cell.plain(density), Doc.Cell.plain(Formats.seconds(s.seconds()))));
        }
        blocks.add(new Doc.Table(headers, rows, "Density = rows / (users × items)."));
    }

    private void timings() {
        blocks.add(new Doc.Heading(2, "Timings per model"));
        if (in.modelSeconds().isEmpty()) {
            blocks.add(Doc.Para.of("No model timings were recorded."));
            return;
        }
        Map<String, Double> sorted = new TreeMap<>(Formats.NAME_ORDER);
        sorted.putAll(in.modelSeconds());
        List<List<Doc.Cell>> rows = new ArrayList<>();
        double total = 0;
        for (Map.Entry<String, Double> e : sorted.entrySet()) {
            double s = e.getValue() == null ? Double.NaN : e.getValue();
            total += s;
            rows.add(List.of(Doc.Cell.plain(e.getKey()), Doc.Cell.plain(Formats.seconds(s)),
                    Doc.Cell.plain(Formats.duration(s))));
        }
        blocks.add(new Doc.Table(List.of(new Doc.Header("Model", false), new Doc.Header("Seconds", true),
                new Doc.Header("Duration (h:mm:ss)", true)), rows,
                "Total: " + Formats.seconds(total) + " s (" + Formats.duration(total) + ")."));
    }

    private void configuration() {
        blocks.add(new Doc.Heading(2, "Configuration"));
        String json = in.configJson();
        if (json == null || json.isBlank()) {
            blocks.add(Doc.Para.of("No configuration was recorded."));
        } else {
            blocks.add(new Doc.Code("json", json.strip()));
        }
    }

    private void addChart(ChartSpec chart) {
        charts.add(chart);
        blocks.add(new Doc.Figure(PLOTS_DIR + "/" + chart.fileName(), chart.title(), ChartSpec.WIDTH,
                ChartSpec.HEIGHT));
    }

    /** {@code kind-NN-slug.png}: numbered so that it is unique, with a readable, file-system safe slug. */
    static String fileName(String kind, int n, String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return String.format(Locale.ROOT, "%s-%02d-%s.png", kind, n, slug.isEmpty() ? "metric" : slug);
    }

    /** Line breaks would break headings and table rows: they become spaces. */
    static String oneLine(String s) {
        return s.replaceAll("\\R", " ");
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "—" : oneLine(s);
    }
}
