package dev.ncfspark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes the human-readable report of an evaluation run: {@code index.html} (self-contained apart from the PNG
 * charts beside it), {@code report.md} with the same content, and {@code plots/*.png} rendered headless with
 * XChart. Plain Java, no Spark: the caller collects the results and copies the folder to S3 if needed. The same
 * input always gives byte-identical HTML and Markdown (sorted rows and columns, locale-independent numbers, no
 * timestamps).
 */
public final class ReportWriter {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** The page's file name in the report folder. */
    public static final String HTML_FILE = "index.html";
    /** The Markdown twin of the page. */
    public static final String MARKDOWN_FILE = "report.md";

    private ReportWriter() {
    }

    /** Writes dir/index.html, dir/report.md and dir/plots/*.png; returns the index.html path. */
    public static Path write(ReportInput input, Path dir) throws IOException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(dir, "dir");
        ReportContent.Built report = ReportContent.build(input);

        Path plots = Files.createDirectories(dir.resolve(ReportContent.PLOTS_DIR));
        removeOldCharts(plots);
        for (ChartSpec chart : report.charts()) {
            ChartRenderer.render(chart, plots.resolve(chart.fileName()));
        }
        Path html = dir.resolve(HTML_FILE);
        Files.writeString(html, HtmlRenderer.render(report.title(), report.blocks()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(MARKDOWN_FILE), MarkdownRenderer.render(report.blocks()),
                StandardCharsets.UTF_8);
        return html;
    }

    /** Charts of an earlier report in the same folder (only the files this class names) would be stale. */
    private static void removeOldCharts(Path plots) throws IOException {
        try (DirectoryStream<Path> old = Files.newDirectoryStream(plots, "{cutoff,curve}-[0-9][0-9]*.png")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }
}
