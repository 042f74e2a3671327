package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import dev.ncfspark.models.AlsRanker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Picks implicit-ALS hyper-parameters on the validation split: every combination of the
 * configured grid is fitted on train and scored by sampled HR@10 on the validation users and
 * their own fixed negatives; the best (first on ties) is kept. The test split is never looked at.
 */
final class AlsGridSearch {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlsGridSearch.class);
  private AlsGridSearch() {}

  /** The chosen parameters, and the grid's results (null when there is no grid). */
  record Outcome(AlsRanker.Params params, List<Map<String, Object>> grid) {}

  static Outcome search(StageContext ctx, ModelsConfig.Als als, Dataset<Row> train) {
    AlsRanker.Params single = new AlsRanker.Params(als.rank(), als.regParam(), als.alpha(), als.maxIter());
    if (als.gridRank().isEmpty() && als.gridRegParam().isEmpty() && als.gridAlpha().isEmpty()) {
      return new Outcome(single, null);
    }
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS);
    Dataset<Row> validation = splits.where(col(Columns.SPLIT).equalTo(Columns.VALIDATION)).select(Columns.USER_IDX, Columns.ITEM_IDX);
    Dataset<Row> negatives = ctx.read(NegativesStage.EVAL).where(col(Columns.SPLIT).equalTo(Columns.VALIDATION));
    if (validation.isEmpty() || negatives.isEmpty()) {
      throw new IllegalArgumentException("models.als.grid needs a validation split with negatives (split.validation = true or ratios with validation > 0)");
    }
    Dataset<Row> candidates = SampledRankingEvaluator.candidates(validation, negatives).cache();
    SampledRankingEvaluator evaluator = new SampledRankingEvaluator(List.of(10));
    List<Map<String, Object>> grid = new ArrayList<>();
    AlsRanker.Params best = null;
    double bestHr = -1;
    int combinations = orSingle(als.gridRank(), als.rank()).size() * orSingle(als.gridRegParam(), als.regParam()).size()
        * orSingle(als.gridAlpha(), als.alpha()).size();
    long start = System.nanoTime();
    for (int rank : orSingle(als.gridRank(), als.rank())) {
      for (double reg : orSingle(als.gridRegParam(), als.regParam())) {
        for (double alpha : orSingle(als.gridAlpha(), als.alpha())) {
          AlsRanker.Params p = new AlsRanker.Params(rank, reg, alpha, als.maxIter());
          long fitStart = System.nanoTime();
          double hr = evaluator.evaluate(AlsRanker.fit(train, p, ctx.seed()), candidates)
              .where(col("metric").equalTo(SampledRankingEvaluator.HR))
              .agg(org.apache.spark.sql.functions.avg("value")).first().getDouble(0);
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("rank", rank);
          m.put("reg_param", reg);
          m.put("alpha", alpha);
          m.put("validation_hr_at_10", hr);
          grid.add(m);
          if (hr > bestHr) {
            bestHr = hr;
            best = p;
          }
          double elapsed = (System.nanoTime() - start) / 1e9;
          LOG.info(String.format(java.util.Locale.ROOT, "ALS grid %d/%d: rank %d, reg-param %s, alpha %s: validation HR@10 %.4f in %.1f s "
              + "(best so far %.4f); ETA %.0f s", grid.size(), combinations, rank, reg, alpha, hr, (System.nanoTime() - fitStart) / 1e9,
              bestHr, elapsed / grid.size() * (combinations - grid.size())));
        }
      }
    }
    candidates.unpersist();
    return new Outcome(best, grid);
  }

  private static <T> List<T> orSingle(List<T> values, T single) {
    return values.isEmpty() ? List.of(single) : values;
  }
}
