package dev.ncfspark.report;

import java.util.Arrays;
import java.util.Objects;

/**
 * One aggregate evaluation result of one model by one protocol, e.g. sampled {@code NDCG@10 =
 * 0.4123} or {@code RMSE = 0.87}: a cell of the report's side-by-side metrics tables (one table
 * per protocol).
 *
 * @param model    the model's display name
 * @param protocol how it was measured: the table it goes into
 * @param metric   the metric's name, e.g. {@code HR}, {@code NDCG}, {@code RMSE}; names starting with {@code RMSE} or
 *                 {@code MAE} (any case) are lower-is-better, all others higher-is-better
 * @param cutoff   the list length K (at least 1), or {@code null} when the metric has no cutoff (e.g. RMSE)
 * @param value    the value; non-finite values are shown but never marked as the best
 */
public record MetricValue(String model, Protocol protocol, String metric, Integer cutoff, double value) {

    /** The evaluation protocols, with the name the metrics files give them. */
    public enum Protocol {
        /** The held-out item ranked among sampled negatives (HR, NDCG, MRR). */
        SAMPLED("sampled", "Sampled ranking", ""),
        /** The whole unseen catalogue ranked (Recall, NDCG, MAP, Precision, beyond-accuracy). */
        FULL("full", "Full ranking", " (full)"),
        /** Predicted ratings against the test ratings (RMSE, MAE). */
        RATING("rating", "Rating prediction", "");

        private final String fileName;
        private final String title;
        private final String suffix;

        Protocol(String fileName, String title, String suffix) {
            this.fileName = fileName;
            this.title = title;
            this.suffix = suffix;
        }

        /** The heading of the protocol's table. */
        public String title() {
            return title;
        }

        /** What the report appends to a metric's name to tell this protocol apart (full ranking: " (full)"). */
        public String suffix() {
            return suffix;
        }

        /** The protocol called {@code name} in metrics.json ({@code sampled}, {@code full}, {@code rating}). */
        public static Protocol of(String name) {
            return Arrays.stream(values()).filter(p -> p.fileName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown protocol '" + name + "': expected sampled, full or rating"));
        }
    }

    public MetricValue {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(metric, "metric");
        if (cutoff != null && cutoff < 1) {
            throw new IllegalArgumentException("cutoff must be at least 1 (or null), got " + cutoff + " for " + metric);
        }
    }
}
