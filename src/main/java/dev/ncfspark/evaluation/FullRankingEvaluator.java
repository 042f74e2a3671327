package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;

import dev.ncfspark.data.Columns;
import dev.ncfspark.data.SeededRandom;
import dev.ncfspark.models.CatalogueScorer;
import dev.ncfspark.models.PairScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Full-ranking protocol: every item a test user did not interact with in train is a candidate;
 * the model's top-K (ties broken by item_idx) is compared with the user's test items.
 * Precision@K = hits/K, Recall@K = hits/|relevant|, NDCG@K with binary gains and the ideal DCG of
 * min(|relevant|, K) hits, MAP@K averaging precision at each hit over min(|relevant|, K) — the
 * definitions of MLlib's RankingMetrics, computed per user so that models can be compared with
 * paired tests. Scoring every item for every user is users x items scores: {@code maxUsers}
 * limits it to a seeded sample of test users.
 */
public final class FullRankingEvaluator {
  public static final String PRECISION = "Precision";
  public static final String RECALL = "Recall";
  public static final String NDCG = "NDCG";
  public static final String MAP = "MAP";
  public static final String RANK = "rank";
  private final List<Integer> cutoffs;
  private final int maxK;

  public FullRankingEvaluator(List<Integer> cutoffs, int recommendationsK) {
    this.cutoffs = List.copyOf(cutoffs);
    this.maxK = Math.max(recommendationsK, cutoffs.stream().mapToInt(Integer::intValue).max().orElse(10));
  }

  /** The evaluated users: all test users, or a seeded sample of {@code maxUsers} (0 = all). */
  public static Dataset<Row> users(Dataset<Row> test, int maxUsers, long seed) {
    Dataset<Row> users = test.select(Columns.USER_IDX).distinct();
    if (maxUsers <= 0) {
      return users;
    }
    return users.withColumn("_h", SeededRandom.hash(seed, "full-ranking-users", col(Columns.USER_IDX)))
        .orderBy("_h", Columns.USER_IDX).limit(maxUsers).drop("_h");
  }

  /**
   * Top-K (K = the largest cutoff or recommendations-k) per user: (user_idx, item_idx, score,
   * rank), excluding the user's training items. A {@link CatalogueScorer} over a dense catalogue
   * (item_idx 0..n-1, as the index stage writes it) keeps a bounded top-K per user while it
   * scores; any other model scores the users x items pair table.
   */
  public Dataset<Row> topK(PairScorer model, Dataset<Row> users, Dataset<Row> items, Dataset<Row> train) {
    if (model instanceof CatalogueScorer catalogue) {
      Row extent = items.agg(count(lit(1)), countDistinct(col(Columns.ITEM_IDX)), min(col(Columns.ITEM_IDX)), max(col(Columns.ITEM_IDX)))
          .first();
      long n = extent.getLong(0);
      boolean dense = n == 0 || (extent.getLong(1) == n && ((Number) extent.get(2)).longValue() == 0
          && ((Number) extent.get(3)).longValue() == n - 1);
      if (dense) {
        return CatalogueTopK.topK(catalogue, users, train, Math.toIntExact(n), maxK);
      }
    }
    return pairTableTopK(model, users, items, train);
  }

  /** The users x items candidate pairs scored by the model, ranked per user with a window. */
  Dataset<Row> pairTableTopK(PairScorer model, Dataset<Row> users, Dataset<Row> items, Dataset<Row> train) {
    Dataset<Row> candidates = users.crossJoin(broadcast(items.select(Columns.ITEM_IDX)))
        .join(train.select(Columns.USER_IDX, Columns.ITEM_IDX), new String[] {Columns.USER_IDX, Columns.ITEM_IDX}, "left_anti");
    return model.score(candidates)
        .selectExpr(Columns.USER_IDX, Columns.ITEM_IDX,
            "CASE WHEN score IS NULL OR isnan(score) THEN double('-Infinity') ELSE score END as score")
        .withColumn(RANK, row_number().over(Window.partitionBy(Columns.USER_IDX)
            .orderBy(col(PairScorer.SCORE).desc(), col(Columns.ITEM_IDX).asc())))
        .where(col(RANK).leq(maxK));
  }

  /** Per-user Precision/Recall/NDCG/MAP at every cutoff: (user_idx, metric, cutoff, value). */
  public Dataset<Row> perUser(Dataset<Row> topK, Dataset<Row> test) {
    Dataset<Row> relevant = test.groupBy(Columns.USER_IDX).agg(collect_list(col(Columns.ITEM_IDX)).as("_rel"));
    Dataset<Row> lists = topK.groupBy(Columns.USER_IDX)
        .agg(org.apache.spark.sql.functions.expr("transform(array_sort(collect_list(struct(rank, item_idx))), x -> x.item_idx) as _pred"))
        .join(relevant, Columns.USER_IDX)
        // hit flags in rank order: 1 when the i-th recommendation is relevant
        .selectExpr(Columns.USER_IDX, "size(array_distinct(_rel)) as _n_rel",
            "transform(_pred, p -> IF(array_contains(_rel, p), 1, 0)) as _hits");
    List<String> values = new ArrayList<>();
    for (int k : cutoffs) {
      String hitsAtK = "slice(_hits, 1, " + k + ")";
      String hitCount = "aggregate(" + hitsAtK + ", 0, (acc, h) -> acc + h)";
      values.add(SampledRankingEvaluator.metric(PRECISION, k, "cast(" + hitCount + " as double) / " + k));
      values.add(SampledRankingEvaluator.metric(RECALL, k, "cast(" + hitCount + " as double) / _n_rel"));
      values.add(SampledRankingEvaluator.metric(NDCG, k,
          "aggregate(zip_with(" + hitsAtK + ", sequence(1, size(" + hitsAtK + ")), (h, i) -> h / log2(i + 1)), 0D, (a, x) -> a + x)"
              + " / aggregate(sequence(1, least(_n_rel, " + k + ")), 0D, (a, i) -> a + 1D / log2(i + 1))"));
      // precision at each hit position i, (hits in 1..i) / i, averaged over min(|relevant|, K)
      values.add(SampledRankingEvaluator.metric(MAP, k,
          "aggregate(zip_with(" + hitsAtK + ", sequence(1, size(" + hitsAtK + ")), (h, i) -> IF(h = 1, "
              + "aggregate(slice(_hits, 1, i), 0, (acc, x) -> acc + x) / i, 0D)), 0D, (a, x) -> a + x)"
              + " / least(_n_rel, " + k + ")"));
    }
    return lists.selectExpr(Columns.USER_IDX, "inline(array(" + String.join(", ", values) + "))");
  }

  /**
   * Catalogue coverage of the top-K lists (distinct recommended items / catalogue items) and the
   * mean training popularity of recommended items: (metric, cutoff, value) rows for cutoff K.
   */
  public static Dataset<Row> beyondAccuracy(Dataset<Row> topK, Dataset<Row> itemPopularity, long catalogueItems, int k) {
    Dataset<Row> atK = topK.where(col(RANK).leq(k));
    return atK.join(itemPopularity, new String[] {Columns.ITEM_IDX}, "left")
        .selectExpr("count(distinct item_idx) / " + catalogueItems + "D as coverage", "avg(coalesce(popularity, 0D)) as pop")
        .selectExpr("stack(2, 'Coverage', " + k + ", coverage, 'MeanPopularity', " + k + ", pop) as (metric, cutoff, value)");
  }
}
