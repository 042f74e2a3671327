package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;

import dev.ncfspark.config.EvaluationConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.evaluation.FullRankingEvaluator;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import dev.ncfspark.models.MostPopular;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * What every model of the evaluate stage is fitted and scored on, read once: the train and test
 * splits, the test users' sampled candidate lists (positive plus the fixed negatives), the users
 * of the full-ranking protocol, the catalogue, and item popularity (a model and the
 * beyond-accuracy metrics' reference). The same tables for every model is what makes their
 * metrics comparable.
 */
record EvaluationData(Dataset<Row> train, Dataset<Row> test, Dataset<Row> testNegatives, Dataset<Row> testCandidates,
    Dataset<Row> fullUsers, Dataset<Row> items, long catalogue, MostPopular popularity) implements AutoCloseable {

  /**
   * (user_idx) of the test users all of whose test items have at most {@code maxTrainInteractions}
   * training interactions (with leave-one-out: whose held-out item is rarely seen in training).
   */
  Dataset<Row> fewInteractionUsers(int maxTrainInteractions) {
    Dataset<Row> counts = popularity.itemPopularity();
    return test.select(Columns.USER_IDX, Columns.ITEM_IDX).join(counts, new String[] {Columns.ITEM_IDX}, "left")
        .groupBy(Columns.USER_IDX)
        .agg(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.coalesce(col("popularity"),
            org.apache.spark.sql.functions.lit(0.0))).as("_most"))
        .where(col("_most").leq(maxTrainInteractions))
        .select(Columns.USER_IDX);
  }

  static EvaluationData load(StageContext ctx) {
    EvaluationConfig eval = ctx.config().evaluation();
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS);
    Dataset<Row> train = splits.where(col(Columns.SPLIT).equalTo(Columns.TRAIN)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> test = splits.where(col(Columns.SPLIT).equalTo(Columns.TEST)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> testNegatives = ctx.read(NegativesStage.EVAL).where(col(Columns.SPLIT).equalTo(Columns.TEST));
    Dataset<Row> items = ctx.read(IndexStage.ITEMS);
    Dataset<Row> testCandidates = SampledRankingEvaluator.candidates(test.select(Columns.USER_IDX, Columns.ITEM_IDX), testNegatives)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> fullUsers = FullRankingEvaluator.users(test, eval.fullRankingUsers(), ctx.seed()).cache();
    return new EvaluationData(train, test, testNegatives, testCandidates, fullUsers, items, items.count(), MostPopular.fit(train));
  }

  /** Test users, counted while the test split is cached. */
  long testUsers() {
    return test.select(Columns.USER_IDX).distinct().count();
  }

  @Override
  public void close() {
    train.unpersist();
    test.unpersist();
    testCandidates.unpersist();
    fullUsers.unpersist();
  }
}
