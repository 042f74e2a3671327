package dev.ncfspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportFormatsTest {

    @Test
    void numbersHaveFourDecimalsRoundedHalfUp() {
        assertEquals("0.1235", Formats.fixed4(0.12345));
        assertEquals("0.0000", Formats.fixed4(-0.00001));
        assertEquals("12.0000", Formats.fixed4(12));
        assertEquals("NaN", Formats.fixed4(Double.NaN));
        assertEquals("1,234,567", Formats.count(1_234_567));
        assertEquals("1:02:03", Formats.duration(3723.4));
        assertEquals("3.2e-07", Formats.pValue(3.2e-7));
        assertEquals("0.0001", Formats.pValue(0.0001));
    }

    @Test
    void errorMetricsAreLowerIsBetter() {
        assertTrue(Formats.lowerIsBetter("RMSE"));
        assertTrue(Formats.lowerIsBetter("rmse_rating"));
        assertTrue(Formats.lowerIsBetter("MAE@test"));
        assertFalse(Formats.lowerIsBetter("MAP"));
        assertFalse(Formats.lowerIsBetter("HR"));
        assertFalse(Formats.lowerIsBetter("coverage"));
    }

    @Test
    void significanceIsStrictlyBelowFivePercent() {
        assertTrue(Formats.significant(0.0499));
        assertFalse(Formats.significant(0.05));
        assertFalse(Formats.significant(Double.NaN));
        assertEquals(new Doc.Cell("0.0100", true, "*"), ReportContent.pCell(0.01));
        assertEquals(new Doc.Cell("0.5000", false, ""), ReportContent.pCell(0.5));
    }

    @Test
    void knownMetricsComeFirstThenOthersThenErrors() {
        List<String> metrics = new ArrayList<>(List.of("RMSE", "zeta", "coverage", "MAP", "HR", "NDCG", "MAE",
                "Recall", "alpha", "Precision", "MRR"));
        metrics.sort(Formats.METRIC_ORDER);
        assertEquals(List.of("HR", "NDCG", "MRR", "Precision", "Recall", "MAP", "coverage", "alpha", "zeta", "MAE",
                "RMSE"), metrics);
    }

    @Test
    void chartFileNamesAreNumberedSafeSlugs() {
        assertEquals("cutoff-01-hr.png", ReportContent.fileName("cutoff", 1, "HR"));
        assertEquals("curve-12-val-hr-10.png", ReportContent.fileName("curve", 12, "val/HR@10"));
        assertEquals("curve-03-metric.png", ReportContent.fileName("curve", 3, "ü<>"));
    }

    @Test
    void markdownEscapesEverythingMarkdownCouldInterpret() {
        assertEquals("\\<b\\>\\&\"x\"\\|y", MarkdownRenderer.escape("<b>&\"x\"|y"));
        assertEquals("a\\_b\\*c\\`d\\[e\\] f", MarkdownRenderer.escape("a_b*c`d[e]\nf"));
        assertEquals("&lt;b&gt;&amp;&quot;x&quot;&#39;", HtmlRenderer.escape("<b>&\"x\"'"));
    }
}
