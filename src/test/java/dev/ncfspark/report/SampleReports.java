package dev.ncfspark.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A realistic report input (the NCF paper's protocol on ML-1M-sized data) shared by the report tests. */
final class SampleReports {

    static final String CONFIG = """
            {
              "dataset": {"format": "movielens", "path": "data/ml-1m"},
              "split": {"kind": "leave-one-out"},
              "negatives": {"eval": {"count": 99}, "train-per-positive": 4},
              "note": "a <tag> & \\"quotes\\" | pipe"
            }""";

    private SampleReports() {
    }

    static ReportInput sample() {
        return new ReportInput("ml-1m-3f2a9c", "MovieLens 1M", "leave-one-out", "leave-one-out, 99 sampled negatives",
                metrics(), stages(), curves(), significance(),
                Map.of("NeuMF", 1843.2, "GMF", 611.0, "MLP", 955.5, "ItemPop", 12.4, "ALS", 140.9), CONFIG);
    }

    static ReportInput withCurves(List<CurvePoint> curves) {
        ReportInput s = sample();
        return new ReportInput(s.runId(), s.dataset(), s.split(), s.protocol(), s.metrics(), s.dataStages(), curves,
                s.significance(), s.modelSeconds(), s.configJson());
    }

    static List<MetricValue> metrics() {
        List<MetricValue> m = new ArrayList<>();
        String[] models = {"NeuMF", "GMF", "MLP", "ItemPop", "ALS"};
        double[] strength = {1.0, 0.96, 0.93, 0.66, 0.90};
        int[] cutoffs = {1, 5, 10, 20};
        double[] hrBase = {0.26, 0.56, 0.70, 0.83};
        double[] ndcgBase = {0.26, 0.41, 0.44, 0.47};
        for (int i = 0; i < models.length; i++) {
            for (int k = 0; k < cutoffs.length; k++) {
                m.add(new MetricValue(models[i], MetricValue.Protocol.SAMPLED, "HR", cutoffs[k], hrBase[k] * strength[i]));
                m.add(new MetricValue(models[i], MetricValue.Protocol.SAMPLED, "NDCG", cutoffs[k], ndcgBase[k] * strength[i]));
            }
            m.add(new MetricValue(models[i], MetricValue.Protocol.SAMPLED, "MRR", 10, 0.36 * strength[i]));
            m.add(new MetricValue(models[i], MetricValue.Protocol.FULL, "Precision", 10, 0.07 * strength[i]));
            m.add(new MetricValue(models[i], MetricValue.Protocol.FULL, "Recall", 10, 0.70 * strength[i]));
            m.add(new MetricValue(models[i], MetricValue.Protocol.FULL, "MAP", 10, 0.36 * strength[i]));
            m.add(new MetricValue(models[i], MetricValue.Protocol.FULL, "coverage", 10, i == 3 ? 0.0121 : 0.35 + 0.05 * i));
        }
        m.add(new MetricValue("ALS", MetricValue.Protocol.RATING, "RMSE", null, 0.8612));
        m.add(new MetricValue("ItemPop", MetricValue.Protocol.RATING, "RMSE", null, 0.9785));
        return m;
    }

    static List<StageSummary> stages() {
        return List.of(new StageSummary("ingest", 1_000_209, 6_040, 3_706, 4.2),
                new StageSummary("filter", 1_000_209, 6_040, 3_706, 2.9),
                new StageSummary("index", 1_000_209, 6_040, 3_706, 1.7),
                new StageSummary("split", 994_169, 6_040, 3_704, 3.3),
                new StageSummary("negatives", 4_970_845, 6_040, 3_706, 8.8));
    }

    static List<CurvePoint> curves() {
        List<CurvePoint> c = new ArrayList<>();
        for (int epoch = 1; epoch <= 20; epoch++) {
            double t = 1 - Math.exp(-epoch / 4.0);
            c.add(new CurvePoint("NeuMF", epoch, "loss", 0.52 - 0.25 * t));
            c.add(new CurvePoint("GMF", epoch, "loss", 0.50 - 0.21 * t));
            c.add(new CurvePoint("NeuMF", epoch, "HR@10", 0.45 + 0.25 * t));
            c.add(new CurvePoint("GMF", epoch, "HR@10", 0.44 + 0.23 * t));
        }
        return c;
    }

    static List<SignificanceTest> significance() {
        return List.of(
                new SignificanceTest("NeuMF", "GMF", "NDCG", 10, 6_040, 0.44, 0.4224, 0.0123, 0.2),
                new SignificanceTest("NeuMF", "ItemPop", "HR", 10, 6_040, 0.70, 0.462, 1e-12, 0.05),
                new SignificanceTest("NeuMF", "MLP", "HR", 10, 6_040, 0.70, 0.651, 0.049, Double.NaN));
    }
}
