package dev.ncfspark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/** Renders {@link ChartSpec}s to PNG with XChart, headless. */
final class ChartRenderer {

    /** Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, readable on white. */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x999999)};

    private ChartRenderer() {
    }

    static void render(ChartSpec spec, Path file) throws IOException {
        if (spec.categories() != null) {
            BitmapEncoder.saveBitmap(categoryChart(spec), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            BitmapEncoder.saveBitmap(xyChart(spec), file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Evenly spaced categories (the cutoffs), one y value or null per category. */
    private static CategoryChart categoryChart(ChartSpec spec) {
        CategoryChart chart = new CategoryChartBuilder().width(ChartSpec.WIDTH).height(ChartSpec.HEIGHT)
                .title(spec.title()).xAxisTitle(spec.xAxisTitle()).yAxisTitle(spec.yAxisTitle()).build();
        CategoryStyler styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        styler.setOverlapped(true); // every series at the category's centre, not side by side like bars
        style(styler);
        for (ChartSpec.Series s : spec.series()) {
            chart.addSeries(s.name(), spec.categories(), s.y());
        }
        return chart;
    }

    /** Numeric x axis (epochs), integers on the ticks. */
    private static XYChart xyChart(ChartSpec spec) {
        XYChart chart = new XYChartBuilder().width(ChartSpec.WIDTH).height(ChartSpec.HEIGHT)
                .title(spec.title()).xAxisTitle(spec.xAxisTitle()).yAxisTitle(spec.yAxisTitle()).build();
        style(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setXAxisDecimalPattern("0");
        for (ChartSpec.Series s : spec.series()) {
            chart.addSeries(s.name(), s.x(), s.y());
        }
        return chart;
    }

    private static void style(AxesChartStyler styler) {
        styler.setLocale(Locale.ROOT);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0xB0B7BF));
        styler.setPlotGridLinesColor(new Color(0xE3E6EA));
        styler.setPlotGridLinesStroke(new BasicStroke(1f));
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setSeriesColors(PALETTE);
        styler.setMarkerSize(7);
        styler.setToolTipsEnabled(false);
        styler.setAntiAlias(true);
    }
}
