package dev.ncfspark.report;

import java.util.Objects;

/**
 * A paired comparison of two models on the same users for one metric: whether the difference in the report's
 * metrics table is likely to be more than noise.
 *
 * @param modelA    the first model
 * @param modelB    the second model
 * @param metric    the per-user metric compared, e.g. {@code NDCG}
 * @param cutoff    its cutoff K, or {@code null} when it has none
 * @param users     the number of users both models were scored on (the sample size)
 * @param meanA     the mean per-user value of model A
 * @param meanB     the mean per-user value of model B
 * @param tTestP    two-sided p-value of the paired t-test
 * @param wilcoxonP two-sided p-value of the Wilcoxon signed-rank test
 */
public record SignificanceTest(String modelA, String modelB, String metric, Integer cutoff, long users,
        double meanA, double meanB, double tTestP, double wilcoxonP) {

    public SignificanceTest {
        Objects.requireNonNull(modelA, "modelA");
        Objects.requireNonNull(modelB, "modelB");
        Objects.requireNonNull(metric, "metric");
    }
}
