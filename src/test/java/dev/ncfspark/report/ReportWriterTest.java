package dev.ncfspark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private static ReportInput metricsOnly(List<MetricValue> metrics) {
        return new ReportInput("run-1", "ds", "leave-one-out", "leave-one-out, 99 sampled negatives", metrics,
                List.of(), List.of(), List.of(), Map.of(), null);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }

    @Test
    void bestValueOfEachColumnIsBoldHigherIsBetterExceptErrorsAndTiesAreAllBold() throws IOException {
        List<MetricValue> m = List.of(
                new MetricValue("A", MetricValue.Protocol.SAMPLED, "HR", 10, 0.5), new MetricValue("B", MetricValue.Protocol.SAMPLED, "HR", 10, 0.7),
                new MetricValue("C", MetricValue.Protocol.SAMPLED, "HR", 10, 0.7),
                // 0.12341 and 0.12344 are both shown as 0.1234: a tie as the reader sees it
                new MetricValue("A", MetricValue.Protocol.SAMPLED, "NDCG", 10, 0.12341), new MetricValue("B", MetricValue.Protocol.SAMPLED, "NDCG", 10, 0.12344),
                new MetricValue("C", MetricValue.Protocol.SAMPLED, "NDCG", 10, 0.1),
                new MetricValue("A", MetricValue.Protocol.RATING, "RMSE", null, 0.80), new MetricValue("B", MetricValue.Protocol.RATING, "RMSE", null, 0.90),
                new MetricValue("C", MetricValue.Protocol.RATING, "RMSE", null, 0.85),
                new MetricValue("A", MetricValue.Protocol.RATING, "MAE", null, 0.7), new MetricValue("B", MetricValue.Protocol.RATING, "MAE", null, 0.6),
                new MetricValue("C", MetricValue.Protocol.RATING, "MAE", null, 0.6));
        Path html = ReportWriter.write(metricsOnly(m), dir);
        String md = read(dir.resolve("report.md"));
        // ranking and rating metrics are separate tables, each bolding its own best values
        assertTrue(md.contains("### Sampled ranking\n\n| Model | HR@10 | NDCG@10 |\n| :--- | ---: | ---: |\n"
                + "| A | 0.5000 | **0.1234** |\n"
                + "| B | **0.7000** | **0.1234** |\n"
                + "| C | **0.7000** | 0.1000 |\n"), md);
        assertTrue(md.contains("### Rating prediction\n\n| Model | MAE | RMSE |\n| :--- | ---: | ---: |\n"
                + "| A | 0.7000 | **0.8000** |\n"
                + "| B | **0.6000** | 0.9000 |\n"
                + "| C | **0.6000** | 0.8500 |\n"), md);
        String h = read(html);
        // HTML groups the cutoffs of a metric under one header; metrics without cutoff span both header rows
        assertTrue(h.contains("<thead><tr><th rowspan=\"2\">Model</th><th class=\"group\" colspan=\"1\">HR</th>"
                + "<th class=\"group\" colspan=\"1\">NDCG</th></tr>\n"
                + "<tr><th class=\"num sub\">@10</th><th class=\"num sub\">@10</th></tr></thead>"), h);
        assertTrue(h.contains("<tr><td>A</td><td class=\"num\">0.5000</td>"
                + "<td class=\"num\"><strong>0.1234</strong></td></tr>"), h);
        assertTrue(h.contains("<tr><td>B</td><td class=\"num\"><strong>0.6000</strong></td>"
                + "<td class=\"num\">0.9000</td></tr>"), h);
    }

    @Test
    void missingAndNonFiniteValuesAreNeverBest() throws IOException {
        List<MetricValue> m = List.of(
                new MetricValue("A", MetricValue.Protocol.SAMPLED, "HR", 10, Double.NaN), new MetricValue("B", MetricValue.Protocol.SAMPLED, "HR", 10, 0.1),
                new MetricValue("A", MetricValue.Protocol.RATING, "RMSE_rating", null, Double.NEGATIVE_INFINITY),
                new MetricValue("B", MetricValue.Protocol.RATING, "RMSE_rating", null, 1.2), new MetricValue("C", MetricValue.Protocol.RATING, "RMSE_rating", null, 0.9));
        ReportWriter.write(metricsOnly(m), dir);
        String md = read(dir.resolve("report.md"));
        assertTrue(md.contains("| A | NaN |\n| B | **0.1000** |\n"), md);
        assertTrue(md.contains("| A | -Infinity |\n| B | 1.2000 |\n| C | **0.9000** |\n"), md);
    }

    @Test
    void userTextIsHtmlEscapedAndMarkdownEscaped() throws IOException {
        String evil = "<b>&\"x\"|y";
        ReportInput in = new ReportInput("run<1>", "data|set", "split", "protocol",
                List.of(new MetricValue(evil, MetricValue.Protocol.SAMPLED, "HR", 10, 0.5), new MetricValue("plain", MetricValue.Protocol.SAMPLED, "HR", 10, 0.4)),
                List.of(new StageSummary("stage|<i>", 10, 2, 5, 1.0)), List.of(), List.of(),
                Map.of(evil, 3.0), "{\"a\": \"</pre><script>alert(1)</script>\"}");
        String h = read(ReportWriter.write(in, dir));
        assertTrue(h.contains("<td>&lt;b&gt;&amp;&quot;x&quot;|y</td>"), h);
        assertFalse(h.contains("<b>&"), h);
        assertFalse(h.contains("<script>"), h);
        assertFalse(h.contains("<i>"), h);
        assertTrue(h.contains("<pre><code>{&quot;a&quot;: &quot;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}"
                + "</code></pre>"), h);
        assertTrue(h.contains("<title>Evaluation report: run&lt;1&gt;</title>"), h);

        String md = read(dir.resolve("report.md"));
        assertTrue(md.contains("| \\<b\\>\\&\"x\"\\|y | **0.5000** |\n"), md);
        assertTrue(md.contains("| stage\\|\\<i\\> | 10 |"), md);
        assertTrue(md.contains("**Dataset:** data\\|set"), md);
        for (String line : md.split("\n")) {
            if (line.contains("x\"") && line.contains("0.5000")) {
                // the metrics row: 3 table pipes (two cells), none from the model's name
                assertEquals(3, line.replace("\\|", "").chars().filter(c -> c == '|').count(), line);
            }
        }
        assertFalse(md.contains("<b>"), md);
    }

    @Test
    void sameInputGivesByteIdenticalHtmlAndMarkdownWhateverTheListOrderAndLocale() throws IOException {
        ReportInput in = SampleReports.sample();
        ReportWriter.write(in, dir.resolve("a"));
        byte[] html = Files.readAllBytes(dir.resolve("a/index.html"));
        byte[] md = Files.readAllBytes(dir.resolve("a/report.md"));

        ReportWriter.write(in, dir.resolve("a"));
        assertArrayEquals(html, Files.readAllBytes(dir.resolve("a/index.html")));
        assertArrayEquals(md, Files.readAllBytes(dir.resolve("a/report.md")));

        List<MetricValue> metrics = new ArrayList<>(in.metrics());
        List<CurvePoint> curves = new ArrayList<>(in.trainingCurves());
        List<SignificanceTest> tests = new ArrayList<>(in.significance());
        Collections.shuffle(metrics, new Random(7));
        Collections.shuffle(curves, new Random(7));
        Collections.shuffle(tests, new Random(7));
        ReportInput shuffled = new ReportInput(in.runId(), in.dataset(), in.split(), in.protocol(), metrics,
                in.dataStages(), curves, tests, in.modelSeconds(), in.configJson());
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // decimal comma, '.' grouping: must not leak into the report
            ReportWriter.write(shuffled, dir.resolve("b"));
        } finally {
            Locale.setDefault(before);
        }
        assertArrayEquals(html, Files.readAllBytes(dir.resolve("b/index.html")));
        assertArrayEquals(md, Files.readAllBytes(dir.resolve("b/report.md")));
        String text = new String(md, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("| negatives | 4,970,845 | 6,040 | 3,706 |"), text);
        assertTrue(text.contains("**Dataset:** MovieLens 1M · **Split:** leave-one-out · **Protocol:** leave-one-out, "
                + "99 sampled negatives\n"), text);
        assertTrue(new String(html, java.nio.charset.StandardCharsets.UTF_8).contains(
                "<th class=\"group\" colspan=\"4\">HR</th><th class=\"group\" colspan=\"4\">NDCG</th>"));
    }

    @Test
    void chartsAreValidPngsForEveryMetricWithSeveralCutoffsAndEveryCurve() throws IOException {
        Path html = ReportWriter.write(SampleReports.sample(), dir);
        Path plots = dir.resolve("plots");
        Set<String> files;
        try (Stream<Path> s = Files.list(plots)) {
            files = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        // HR and NDCG have 4 cutoffs; MRR, Precision, ... only @10 and RMSE none: no chart for those
        assertEquals(Set.of("cutoff-01-hr.png", "cutoff-02-ndcg.png", "curve-01-hr-10.png", "curve-02-loss.png"),
                files);
        for (String f : files) {
            Path p = plots.resolve(f);
            byte[] bytes = Files.readAllBytes(p);
            assertTrue(bytes.length > 5_000 && bytes.length < 1_000_000, f + ": " + bytes.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), f);
            BufferedImage image = ImageIO.read(p.toFile());
            assertNotNull(image, f);
            assertEquals(ChartSpec.WIDTH, image.getWidth(), f);
            assertEquals(ChartSpec.HEIGHT, image.getHeight(), f);
            assertTrue(hasPixelNear(image, 0x0072B2), f + " has no line in the first series colour");
            assertTrue(hasPixelNear(image, 0xD55E00), f + " has no line in the second series colour");
        }
        String h = read(html);
        String md = read(dir.resolve("report.md"));
        assertTrue(h.contains("alt=\"HR@K by model\""), h);
        assertTrue(h.contains("alt=\"NDCG@K by model\""), h);
        assertFalse(h.contains("MRR@K by model"), h);
        assertTrue(md.contains("![HR@K by model](plots/cutoff-01-hr.png)"), md);
        // every image the page or the Markdown shows is there
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(h);
        int images = 0;
        while (img.find()) {
            assertTrue(Files.isRegularFile(dir.resolve(img.group(1))), img.group(1));
            images++;
        }
        assertEquals(4, images);
        Matcher mdImg = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)").matcher(md);
        int mdImages = 0;
        while (mdImg.find()) {
            assertTrue(Files.isRegularFile(dir.resolve(mdImg.group(1))), mdImg.group(1));
            mdImages++;
        }
        assertEquals(4, mdImages);
    }

    @Test
    void withoutCurvesASentenceInsteadOfTrainingChartsAndOldChartsAreRemoved() throws IOException {
        ReportWriter.write(SampleReports.sample(), dir);
        assertTrue(Files.exists(dir.resolve("plots/curve-02-loss.png")));
        Files.writeString(dir.resolve("plots/mine.png"), "not ours");

        String h = read(ReportWriter.write(SampleReports.withCurves(List.of()), dir));
        String md = read(dir.resolve("report.md"));
        assertTrue(h.contains("<h2>Training curves</h2>\n<p>" + ReportContent.NO_CURVES + "</p>"), h);
        assertTrue(md.contains("## Training curves\n\n" + ReportContent.NO_CURVES + "\n"), md);
        assertFalse(h.contains("curve-"), h);
        assertFalse(Files.exists(dir.resolve("plots/curve-02-loss.png")), "stale chart left behind");
        assertTrue(Files.exists(dir.resolve("plots/cutoff-01-hr.png")));
        assertTrue(Files.exists(dir.resolve("plots/mine.png")), "a file the report does not own was removed");

        String withCurves = read(ReportWriter.write(SampleReports.sample(), dir));
        assertFalse(withCurves.contains(ReportContent.NO_CURVES), withCurves);
        assertTrue(withCurves.contains("<figure><img src=\"plots/curve-02-loss.png\" alt=\"loss by epoch\""),
                withCurves);
    }

    @Test
    void significanceTableMarksPValuesBelowFivePercent() throws IOException {
        ReportWriter.write(SampleReports.sample(), dir);
        String md = read(dir.resolve("report.md"));
        assertTrue(md.contains("| Model A | Model B | Metric | Users | Mean A | Mean B | Paired t-test p | Wilcoxon p |\n"
                + "| :--- | :--- | :--- | ---: | ---: | ---: | ---: | ---: |\n"
                + "| NeuMF | ItemPop | HR@10 | 6,040 | 0.7000 | 0.4620 | **1.0e-12** \\* | 0.0500 |\n"
                + "| NeuMF | MLP | HR@10 | 6,040 | 0.7000 | 0.6510 | **0.0490** \\* | NaN |\n"
                + "| NeuMF | GMF | NDCG@10 | 6,040 | 0.4400 | 0.4224 | **0.0123** \\* | 0.2000 |\n"), md);
        String h = read(dir.resolve("index.html"));
        assertTrue(h.contains("<td class=\"num\"><strong>0.0123</strong><span class=\"mark\">*</span></td>"
                + "<td class=\"num\">0.2000</td></tr>"), h);
        // p = 0.05 exactly is not below 0.05; a column without any mark gets no mark spans
        assertTrue(h.contains("<td class=\"num\">0.4620</td><td class=\"num\"><strong>1.0e-12</strong>"
                + "<span class=\"mark\">*</span></td><td class=\"num\">0.0500</td></tr>"), h);
    }

    @Test
    void raggedAndDegenerateChartDataStillRenders() throws IOException {
        // X lacks HR@10, Y lacks HR@1; Z has only NaN; curves: a single epoch, a NaN point, a flat line
        List<MetricValue> m = List.of(new MetricValue("X", MetricValue.Protocol.SAMPLED, "HR", 1, 0.1), new MetricValue("X", MetricValue.Protocol.SAMPLED, "HR", 20, 0.5),
                new MetricValue("Y", MetricValue.Protocol.SAMPLED, "HR", 10, 0.3), new MetricValue("Y", MetricValue.Protocol.SAMPLED, "HR", 20, 0.6),
                new MetricValue("Z", MetricValue.Protocol.SAMPLED, "HR", 10, Double.NaN), new MetricValue("Z", MetricValue.Protocol.SAMPLED, "HR", 20, Double.NaN));
        List<CurvePoint> curves = List.of(new CurvePoint("X", 1, "loss", 0.7), new CurvePoint("Y", 1, "loss", 0.6),
                new CurvePoint("Y", 2, "loss", Double.NaN), new CurvePoint("Y", 3, "loss", 0.5),
                new CurvePoint("X", 1, "flat", 0.5), new CurvePoint("X", 2, "flat", 0.5),
                new CurvePoint("X", 1, "broken", Double.NaN));
        ReportInput in = new ReportInput("r", "d", "s", "p", m, List.of(), curves, List.of(), Map.of(), "");
        String h = read(ReportWriter.write(in, dir));
        for (String f : List.of("cutoff-01-hr.png", "curve-01-broken.png", "curve-01-flat.png",
                "curve-02-loss.png")) {
            boolean expected = !f.contains("broken");
            assertEquals(expected, Files.isRegularFile(dir.resolve("plots").resolve(f)), f);
        }
        assertTrue(h.contains("<p>The training curve broken has no finite value.</p>"), h);
        assertTrue(h.contains("<p>No configuration was recorded.</p>"), h);
        assertEquals(ChartSpec.WIDTH, ImageIO.read(dir.resolve("plots/cutoff-01-hr.png").toFile()).getWidth());
    }

    /** The same metric by two protocols is two columns in two tables, told apart by the protocol field, not by its name. */
    @Test
    void theProtocolOfAMetricChoosesItsTable() throws IOException {
        List<MetricValue> m = List.of(
                new MetricValue("A", MetricValue.Protocol.SAMPLED, "NDCG", 10, 0.40), new MetricValue("B", MetricValue.Protocol.SAMPLED, "NDCG", 10, 0.30),
                new MetricValue("A", MetricValue.Protocol.FULL, "NDCG", 10, 0.05), new MetricValue("B", MetricValue.Protocol.FULL, "NDCG", 10, 0.07));
        ReportWriter.write(metricsOnly(m), dir);
        String md = read(dir.resolve("report.md"));
        assertTrue(md.contains("### Sampled ranking\n\n| Model | NDCG@10 |\n| :--- | ---: |\n| A | **0.4000** |\n| B | 0.3000 |\n"), md);
        assertTrue(md.contains("### Full ranking\n\n| Model | NDCG (full)@10 |\n| :--- | ---: |\n| A | 0.0500 |\n| B | **0.0700** |\n"), md);
        assertEquals(MetricValue.Protocol.FULL, MetricValue.Protocol.of("full"));
        assertThrows(IllegalArgumentException.class, () -> MetricValue.Protocol.of("(full)"));
    }

    @Test
    void conflictingDuplicatesAreRejected() {
        ReportInput in = metricsOnly(List.of(new MetricValue("A", MetricValue.Protocol.SAMPLED, "HR", 10, 0.5), new MetricValue("A", MetricValue.Protocol.SAMPLED, "HR", 10, 0.6)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReportWriter.write(in, dir));
        assertTrue(e.getMessage().contains("A HR@10"), e.getMessage());
    }

    /** Writes the sample report to {@code -Dreport.sample=DIR} to look at it. */
    @Test
    @EnabledIfSystemProperty(named = "report.sample", matches = ".+")
    void writeSampleReport() throws IOException {
        Path out = ReportWriter.write(SampleReports.sample(), Path.of(System.getProperty("report.sample")));
        assertTrue(Files.isRegularFile(out));
    }

    private static boolean hasPixelNear(BufferedImage image, int rgb) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y) & 0xFFFFFF;
                if (seen.add(p) && close(p, rgb)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean close(int a, int b) {
        return Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)) <= 8 && Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF)) <= 8
                && Math.abs((a & 0xFF) - (b & 0xFF)) <= 8;
    }
}
