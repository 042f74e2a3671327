package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.config.NegativesConfig;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.negatives.EvalNegativeSampler;
import dev.ncfspark.data.negatives.TrainNegativeSampler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage 6: fixed evaluation negatives per test and validation user ({@code negatives/eval},
 * partitioned by split; one row per user with an array of item_idx) and training negatives for the
 * configured epochs ({@code negatives/train/epoch=N}: user_idx, item_idx rows).
 */
final class NegativesStage extends PipelineStage {
  static final String NAME = "negatives";
  static final String EVAL = NAME + "/eval";
  static final String TRAIN = NAME + "/train";
  /** Stage detail: test users whose evaluation list is shorter than negatives.eval.count. */
  static final String SHORT_TEST_USERS = "test_users_with_fewer_free_items_than_count";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NegativesStage.class);

  NegativesStage() {
    super(NAME, "negatives", "run.seed");
  }

  @Override
  StageStats run(StageContext ctx) {
    NegativesConfig cfg = ctx.config().negatives();
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS);
    // every interaction the user had after filtering, including rows the split set aside (two
    // Parquet columns: read again where needed rather than cached)
    Dataset<Row> positives = splits.select(Columns.USER_IDX, Columns.ITEM_IDX)
        .unionByName(ctx.read(SplitStage.REJECTED).select(Columns.USER_IDX, Columns.ITEM_IDX));
    int numItems = Math.toIntExact(ctx.read(IndexStage.ITEMS).count());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("catalogue_items", numItems);
    EvalNegativeSampler eval = new EvalNegativeSampler(cfg.evalCount(), ctx.seed());
    Dataset<Row> lists = EvalNegativeSampler.positiveLists(positives);
    Dataset<Row> evalNegatives = null;
    for (String split : List.of(Columns.TEST, Columns.VALIDATION)) {
      Dataset<Row> users = splits.where(col(Columns.SPLIT).equalTo(split));
      Dataset<Row> sampled = eval.sample(users, lists, numItems, split).withColumn(Columns.SPLIT, lit(split));
      evalNegatives = evalNegatives == null ? sampled : evalNegatives.unionByName(sampled);
    }
    ctx.write(evalNegatives, EVAL, Columns.SPLIT);
    Dataset<Row> written = ctx.read(EVAL);
    details.put("eval_per_user", cfg.evalCount());
    details.put("eval_users", TableStats.countsBy(written, Columns.SPLIT));
    Map<String, Object> shortBySplit = TableStats.countsBy(eval.shortLists(written), Columns.SPLIT);
    long shortLists = shortBySplit.values().stream().mapToLong(n -> (Long) n).sum();
    long shortTest = (Long) shortBySplit.getOrDefault(Columns.TEST, 0L);
    details.put("eval_users_with_fewer_free_items_than_count", shortLists);
    details.put(SHORT_TEST_USERS, shortTest);
    if (shortLists > 0) {
      LOG.warn("{} evaluation lists ({} of them test users) have fewer than negatives.eval.count = {} negatives: those users "
          + "have fewer items they never interacted with, are ranked against all of them, and their HR@K / NDCG@K are not "
          + "comparable with the others'", shortLists, shortTest, cfg.evalCount());
    }

    TrainNegativeSampler train = new TrainNegativeSampler(cfg.trainPerPositive(), cfg.popularityAlpha(), ctx.seed());
    Dataset<Row> trainRows = splits.where(col(Columns.SPLIT).equalTo(Columns.TRAIN));
    Map<String, Object> perEpoch = new LinkedHashMap<>();
    long trainNegatives = 0;
    for (int epoch = 0; epoch < cfg.trainEpochs(); epoch++) {
      String path = TRAIN + "/epoch=" + epoch;
      // the sampling rounds are checkpoints; the epoch is written from them in one commit, so that
      // a reader (and S3's magic committer) never sees an epoch with only some of its rounds
      try (Checkpoints rounds = Checkpoints.in(ctx.spark(), ctx.run().path(NAME + "/_checkpoints/epoch=" + epoch))) {
        ctx.write(train.sample(trainRows, positives, numItems, epoch, rounds), path);
      }
      long n = ctx.read(path).count();
      perEpoch.put(Integer.toString(epoch), n);
      trainNegatives += n;
    }
    details.put("train_per_positive", cfg.trainPerPositive());
    details.put("train_rows_per_epoch", perEpoch);
    Row evalSize = written.selectExpr("count(*)", "coalesce(sum(size(" + Columns.NEGATIVE_ITEMS + ")), 0)").first();
    details.put("eval_negative_pairs", evalSize.getLong(1));
    // rows: every (user, negative item) pair written, evaluation and training
    return new StageStats(evalSize.getLong(1) + trainNegatives, written.select(Columns.USER_IDX).distinct().count(), numItems, 0, details);
  }
}
