package dev.ncfspark.pipeline;

import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.data.features.ExternalFeatures;
import dev.ncfspark.data.features.ItemFeatures;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.AlsRanker;
import dev.ncfspark.models.AlsRatingPredictor;
import dev.ncfspark.models.ContentKnn;
import dev.ncfspark.models.ModelDefinition;
import dev.ncfspark.models.NaiveRatingPredictor;
import dev.ncfspark.models.PairScorer;
import dev.ncfspark.models.RandomScorer;
import dev.ncfspark.models.RatingPredictor;
import dev.ncfspark.models.ncf.NcfCheckpoints;
import dev.ncfspark.models.ncf.NcfScorer;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Fits (or, for the models the train stage trained, loads) each model of the evaluate stage on
 * the train split: one exhaustive {@code switch} over {@link ModelDefinition}, so a model added
 * there does not compile until it is handled here.
 */
final class ModelFitter {
  /** A fitted model, by what it predicts. */
  sealed interface Fitted permits Ranking, Rating {}

  /** Scores (user, item) pairs for the ranking protocols. */
  record Ranking(PairScorer scorer) implements Fitted {}

  /** Predicts ratings for RMSE and MAE. */
  record Rating(RatingPredictor predictor) implements Fitted {}

  private final StageContext ctx;
  private final EvaluationData data;
  private final Map<String, Object> details;

  /** {@code details}: the stage's manifest details, where fitting records what it chose (ALS's grid search). */
  ModelFitter(StageContext ctx, EvaluationData data, Map<String, Object> details) {
    this.ctx = ctx;
    this.data = data;
    this.details = details;
  }

  Fitted fit(ModelDefinition model) {
    ModelsConfig models = ctx.config().models();
    long seed = ctx.seed();
    Fitted fitted = switch (model) {
      case MOST_POP -> new Ranking(data.popularity());
      case RANDOM -> new Ranking(new RandomScorer(seed));
      case ALS -> new Ranking(als(models.als()));
      case CONTENT_KNN -> new Ranking(contentKnn(models.contentKnn()));
      case GMF, MLP, NEUMF, VBPR, NEUMF_FEATURES -> new Ranking(trainedNcf(model, models.ncf()));
      case ALS_EXPLICIT -> new Rating(AlsRatingPredictor.fit(data.train(), new AlsRatingPredictor.Params(models.alsExplicit().rank(),
          models.alsExplicit().regParam(), models.alsExplicit().maxIter()), seed));
      case GLOBAL_MEAN -> new Rating(NaiveRatingPredictor.fit(data.train(), NaiveRatingPredictor.Kind.GLOBAL_MEAN, seed));
      case MAJORITY_RATING -> new Rating(NaiveRatingPredictor.fit(data.train(), NaiveRatingPredictor.Kind.MAJORITY_RATING, seed));
      case RANDOM_RATING -> new Rating(NaiveRatingPredictor.fit(data.train(), NaiveRatingPredictor.Kind.RANDOM_RATING, seed));
      case FREQUENCY_RANDOM_RATING -> new Rating(NaiveRatingPredictor.fit(data.train(), NaiveRatingPredictor.Kind.FREQUENCY_RANDOM_RATING, seed));
    };
    if ((fitted instanceof Ranking) != model.ranks()) {
      throw new IllegalStateException(model + " is declared " + model.task() + " but was fitted as " + fitted.getClass().getSimpleName());
    }
    return fitted;
  }

  /** content-knn on the text embeddings or on an external modality, as configured. */
  private PairScorer contentKnn(ModelsConfig.ContentKnnConfig knn) {
    boolean text = knn.usesText();
    return ContentKnn.fit(data.train(), ctx.read(text ? FeaturesStage.ITEMS : FeaturesStage.modalityTable(knn.modality())),
        text ? ItemFeatures.TEXT_EMBEDDING : ExternalFeatures.VECTOR, Math.toIntExact(ctx.read(IndexStage.USERS).count()),
        Math.toIntExact(data.catalogue()), knn.weight(), knn.center());
  }

  /** Implicit ALS with the configured parameters, or the best of its grid on validation. */
  private PairScorer als(ModelsConfig.Als als) {
    AlsGridSearch.Outcome best = AlsGridSearch.search(ctx, als, data.train());
    if (best.grid() != null) {
      details.put("als_grid", best.grid());
      ctx.run().writeText(EvaluateStage.GRID, Json.write(best.grid()));
    }
    AlsRanker.Params chosen = best.params();
    details.put("als_params", Map.of("rank", chosen.rank(), "reg_param", chosen.regParam(), "alpha", chosen.alpha(),
        "max_iter", chosen.maxIter()));
    return AlsRanker.fit(data.train(), chosen, ctx.seed());
  }

  /** The model the train stage wrote, as a scorer on the executors. */
  private PairScorer trainedNcf(ModelDefinition model, NcfConfig ncf) {
    String path = TrainStage.modelPath(model);
    byte[] bytes = ctx.run().readBytes(path)
        .orElseThrow(() -> new IllegalStateException("no trained " + model + " in " + ctx.run().path(TrainStage.NAME)));
    ComputationGraph net = NcfCheckpoints.restore(bytes, false, ctx.run().path(path));
    return NcfScorer.of(ctx.spark(), net, Math.toIntExact(ctx.read(IndexStage.USERS).count()), Math.toIntExact(data.catalogue()),
        ncf.scoringBatch(), ncf.spark().ompThreads());
  }
}
