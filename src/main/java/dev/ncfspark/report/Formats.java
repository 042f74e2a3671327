package dev.ncfspark.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Number formats (locale independent) and the metric naming rules of the report. */
final class Formats {

    /** Significance level below which a p-value is marked. */
    static final double ALPHA = 0.05;

    /** Well-known metrics, in the order their columns appear; other metrics follow alphabetically. */
    private static final List<String> KNOWN_ORDER = List.of(
            "hr", "hitrate", "ndcg", "mrr", "precision", "recall", "map", "auc", "coverage");

    private Formats() {
    }

    /** Four decimals, rounded half-up; {@code NaN}/{@code Infinity}/{@code -Infinity} for non-finite values. */
    static String fixed4(double value) {
        BigDecimal rounded = rounded4(value);
        return rounded == null ? nonFinite(value) : rounded.toPlainString();
    }

    /** The value as displayed by {@link #fixed4}, or {@code null} when it is not finite. */
    static BigDecimal rounded4(double value) {
        if (!Double.isFinite(value)) {
            return null;
        }
        return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP);
    }

    /** A p-value: four decimals, or two significant digits in scientific notation below 0.0001. */
    static String pValue(double p) {
        if (Double.isFinite(p) && p > 0 && p < 0.0001) {
            return String.format(Locale.ROOT, "%.1e", p);
        }
        return fixed4(p);
    }

    /** Whether a p-value is below {@link #ALPHA} (never for NaN). */
    static boolean significant(double p) {
        return p < ALPHA;
    }

    /** An integer with thousands separators, e.g. {@code 20,000,263}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Seconds with one decimal. */
    static String seconds(double s) {
        return Double.isFinite(s) ? String.format(Locale.ROOT, "%,.1f", s) : nonFinite(s);
    }

    /** A duration as {@code h:mm:ss} (rounded to the second). */
    static String duration(double s) {
        if (!Double.isFinite(s) || s < 0) {
            return "—";
        }
        long total = Math.round(s);
        return String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
    }

    /** A fraction as a percentage with four decimals, e.g. {@code 0.5400%}. */
    static String percent(double fraction) {
        return Double.isFinite(fraction) ? fixed4(fraction * 100) + "%" : "—";
    }

    private static String nonFinite(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }

    /**
     * Descriptive metrics (a recommendation list's mean popularity) have no better direction: no
     * value of their column is marked best.
     */
    static boolean descriptive(String metric) {
        return metric.toUpperCase(Locale.ROOT).startsWith("MEANPOPULARITY");
    }

    /** Error metrics (RMSE, MAE and any metric whose name starts with either, in any case) are lower-is-better. */
    static boolean lowerIsBetter(String metric) {
        String upper = metric.toUpperCase(Locale.ROOT);
        return upper.startsWith("RMSE") || upper.startsWith("MAE");
    }

    /** {@code metric@cutoff}, or the metric alone when it has no cutoff. */
    static String label(String metric, Integer cutoff) {
        return cutoff == null ? metric : metric + "@" + cutoff;
    }

    /** Known ranking metrics first in the usual order, then other metrics alphabetically, error metrics last. */
    static final Comparator<String> METRIC_ORDER = Comparator
            .comparingInt(Formats::metricGroup)
            .thenComparingInt(m -> KNOWN_ORDER.indexOf(m.toLowerCase(Locale.ROOT)))
            .thenComparing(m -> m.toLowerCase(Locale.ROOT))
            .thenComparing(Comparator.naturalOrder());

    /** Case-insensitive alphabetical, ties broken by the exact name, so the order is total. */
    static final Comparator<String> NAME_ORDER = Comparator
            .comparing((String s) -> s.toLowerCase(Locale.ROOT))
            .thenComparing(Comparator.naturalOrder());

    /** Cutoffs ascending, the metric without cutoff first. */
    static final Comparator<Integer> CUTOFF_ORDER = Comparator.nullsFirst(Comparator.naturalOrder());

    private static int metricGroup(String metric) {
        if (lowerIsBetter(metric)) {
            return 2;
        }
        return KNOWN_ORDER.contains(metric.toLowerCase(Locale.ROOT)) ? 0 : 1;
    }
}
