package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import dev.ncfspark.models.PairScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sampled ranking protocol of the NCF paper: each held-out positive of a test user is ranked
 * among that user's fixed evaluation negatives; HR@K, NDCG@K and MRR@K per positive, averaged
 * per user, then over users. Ties are broken pessimistically: the positive ranks below every
 * negative with an equal score (a constant model gets rank 1 + #negatives, not 1). A negatives
 * list that contains the positive itself (the NCF paper's ML-1M file has 156) is ranked without
 * that duplicate, and such lists are counted. Scores that are null or NaN count as -infinity.
 * Everything runs distributed: one shuffle by (user, positive).
 */
public final class SampledRankingEvaluator {
  public static final String HR = "HR";
  public static final String NDCG = "NDCG";
  public static final String MRR = "MRR";
  static final String POSITIVE = "_positive";
  static final String LABEL = "_label";
  private final List<Integer> cutoffs;

  public SampledRankingEvaluator(List<Integer> cutoffs) {
    this.cutoffs = List.copyOf(cutoffs);
  }

  /**
   * Candidate pairs: for every (user, positive) the positive (label 1) and each distinct negative
   * of the user's list other than the positive (label 0). Columns user_idx, _positive, item_idx, _label.
   */
  public static Dataset<Row> candidates(Dataset<Row> positives, Dataset<Row> negatives) {
    Dataset<Row> pos = positives.select(col(Columns.USER_IDX), col(Columns.ITEM_IDX).as(POSITIVE));
    Dataset<Row> negs = pos.join(negatives.select(Columns.USER_IDX, Columns.NEGATIVE_ITEMS), Columns.USER_IDX)
        .select(col(Columns.USER_IDX), col(POSITIVE), explode(org.apache.spark.sql.functions.array_distinct(col(Columns.NEGATIVE_ITEMS))).as(Columns.ITEM_IDX))
        .where(col(Columns.ITEM_IDX).notEqual(col(POSITIVE)))
        .withColumn(LABEL, lit(0));
    Dataset<Row> withPositive = pos.join(negatives.select(Columns.USER_IDX), Columns.USER_IDX)
        .select(col(Columns.USER_IDX), col(POSITIVE), col(POSITIVE).as(Columns.ITEM_IDX), lit(1).as(LABEL));
    return withPositive.unionByName(negs);
  }

  /** Number of (user, positive) lists whose negatives contain the positive itself. */
  public static long listsContainingThePositive(Dataset<Row> positives, Dataset<Row> negatives) {
    return positives.join(negatives, Columns.USER_IDX)
        .where("array_contains(" + Columns.NEGATIVE_ITEMS + ", " + Columns.ITEM_IDX + ")").count();
  }

  /** Per-user HR/NDCG/MRR at every cutoff: (user_idx, metric, cutoff, value). */
  public Dataset<Row> perUser(Dataset<Row> scoredCandidates) {
    List<String> values = new ArrayList<>();
    for (int k : cutoffs) {
      String in = "_rank <= " + k;
      values.add(metric(HR, k, "IF(" + in + ", 1.0D, 0.0D)"));
      values.add(metric(NDCG, k, "IF(" + in + ", 1.0D / log2(_rank + 1), 0.0D)"));
      values.add(metric(MRR, k, "IF(" + in + ", 1.0D / _rank, 0.0D)"));
    }
    // one pass: every (metric, cutoff) of a positive as a row
    Dataset<Row> perPositive = rankOfPositive(scoredCandidates)
        .selectExpr(Columns.USER_IDX, "inline(array(" + String.join(", ", values) + "))");
    return perPositive.groupBy(Columns.USER_IDX, PerUserMetrics.METRIC, PerUserMetrics.CUTOFF)
        .agg(avg(PerUserMetrics.VALUE).as(PerUserMetrics.VALUE));
  }

  static String metric(String name, int cutoff, String valueExpr) {
    return "named_struct('metric', '" + name + "', 'cutoff', " + cutoff + ", 'value', cast(" + valueExpr + " as double))";
  }

  /** Scores the candidates with the model, then per-user metrics. */
  public Dataset<Row> evaluate(PairScorer model, Dataset<Row> candidates) {
    return perUser(model.score(candidates));
  }

  /**
   * (user_idx, _positive, _rank): 1 + the number of negatives scoring at least as high as the
   * positive (pessimistic ties).
   */
  static Dataset<Row> rankOfPositive(Dataset<Row> scored) {
    return scored
        .selectExpr(Columns.USER_IDX, POSITIVE, LABEL,
            "CASE WHEN score IS NULL OR isnan(score) THEN double('-Infinity') ELSE score END as _s")
        .groupBy(Columns.USER_IDX, POSITIVE)
        .agg(org.apache.spark.sql.functions.expr("max(IF(" + LABEL + " = 1, _s, NULL)) as _pos_score"),
            org.apache.spark.sql.functions.expr("collect_list(IF(" + LABEL + " = 0, _s, NULL)) as _neg_scores"))
        .selectExpr(Columns.USER_IDX, POSITIVE, "1 + size(filter(_neg_scores, s -> s >= _pos_score)) as _rank");
  }
}
