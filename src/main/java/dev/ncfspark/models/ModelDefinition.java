package dev.ncfspark.models;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every model the job can train and evaluate, as one typed list: the name it has in {@code
 * models.enabled}, what it predicts (a ranking score or a rating), which stage fits it, and what
 * it needs from the data. The configuration, the train stage, the evaluate stage and the report
 * read this list; fitting is an exhaustive {@code switch} over it (the evaluate stage's {@code
 * ModelFitter}), so a new model is its class plus one entry here, and the compiler points at what
 * else must handle it.
 */
public enum ModelDefinition {
  /** Item popularity in train: the baseline every personalised model must beat. */
  MOST_POP("most-pop", Task.RANKING, FittedBy.EVALUATE_STAGE),
  /** Seeded random scores: the floor of every ranking metric. */
  RANDOM("random", Task.RANKING, FittedBy.EVALUATE_STAGE),
  /** Spark MLlib's implicit ALS (optionally grid-searched on validation). */
  ALS("als", Task.RANKING, FittedBy.EVALUATE_STAGE),
  /** Cosine of the item's vector (text embedding or another modality) with the user's rating-weighted mean of their items' (ContentKnn). */
  CONTENT_KNN("content-knn", Task.RANKING, FittedBy.EVALUATE_STAGE, Need.ITEM_FEATURES),
  /** NCF's generalised matrix factorisation tower (He et al. 2017). */
  GMF("gmf", Task.RANKING, FittedBy.TRAIN_STAGE),
  /** NCF's multi-layer perceptron tower. */
  MLP("mlp", Task.RANKING, FittedBy.TRAIN_STAGE),
  /** NeuMF: GMF and MLP fused, optionally pre-trained from both. */
  NEUMF("neumf", Task.RANKING, FittedBy.TRAIN_STAGE),
  /** VBPR (He &amp; McAuley 2016): matrix factorisation whose items also have their features projected into the user's space. */
  VBPR("vbpr", Task.RANKING, FittedBy.TRAIN_STAGE, Need.ITEM_FEATURES),
  /** NeuMF whose MLP tower also takes the item's features and the user's demographics, each through a dense layer. */
  NEUMF_FEATURES("neumf-features", Task.RANKING, FittedBy.TRAIN_STAGE, Need.ITEM_FEATURES),
  /** Spark MLlib's explicit ALS, predicting ratings. */
  ALS_EXPLICIT("als-explicit", Task.RATING_PREDICTION, FittedBy.EVALUATE_STAGE, Need.RATINGS),
  /** The mean training rating, for everyone. */
  GLOBAL_MEAN("global-mean", Task.RATING_PREDICTION, FittedBy.EVALUATE_STAGE, Need.RATINGS),
  /** The most frequent training rating, for everyone. */
  MAJORITY_RATING("majority-rating", Task.RATING_PREDICTION, FittedBy.EVALUATE_STAGE, Need.RATINGS),
  /** A seeded uniform rating in the training range. */
  RANDOM_RATING("random-rating", Task.RATING_PREDICTION, FittedBy.EVALUATE_STAGE, Need.RATINGS),
  /** A seeded rating drawn from the training ratings' histogram. */
  FREQUENCY_RANDOM_RATING("frequency-random-rating", Task.RATING_PREDICTION, FittedBy.EVALUATE_STAGE, Need.RATINGS);

  /** What a model predicts, and so which protocols evaluate it. */
  public enum Task {
    /** A score per (user, item): sampled and full-ranking metrics. */
    RANKING,
    /** A rating per (user, item): RMSE and MAE. */
    RATING_PREDICTION
  }

  /** The stage that fits a model. */
  public enum FittedBy {
    /** Fitted when it is evaluated (baselines, ALS). */
    EVALUATE_STAGE,
    /** Trained by the train stage (its own checkpoints, curves and embeddings), loaded by evaluate. */
    TRAIN_STAGE
  }

  /** What a model needs from the data beyond (user, item) pairs. */
  public enum Need {
    /** Explicit rating values (a dataset without a rating column has only 1.0). */
    RATINGS,
    /** The features stage's item vectors: the text embeddings, or an external modality. */
    ITEM_FEATURES
  }

  private final String configName;
  private final Task task;
  private final FittedBy fittedBy;
  private final Set<Need> needs;

  ModelDefinition(String configName, Task task, FittedBy fittedBy, Need... needs) {
    this.configName = configName;
    this.task = task;
    this.fittedBy = fittedBy;
    this.needs = needs.length == 0 ? EnumSet.noneOf(Need.class) : EnumSet.copyOf(Arrays.asList(needs));
  }

  /** The name in {@code models.enabled}, the metrics, the report and the run folder. */
  public String configName() {
    return configName;
  }

  public Task task() {
    return task;
  }

  public FittedBy fittedBy() {
    return fittedBy;
  }

  public Set<Need> needs() {
    return Set.copyOf(needs);
  }

  public boolean ranks() {
    return task == Task.RANKING;
  }

  public boolean trainedByTrainStage() {
    return fittedBy == FittedBy.TRAIN_STAGE;
  }

  /** The model called {@code name} in the configuration, if there is one. */
  public static Optional<ModelDefinition> byName(String name) {
    return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
  }

  /** The configuration names of every model of {@code task}, in declaration order. */
  public static List<String> names(Task task) {
    return Arrays.stream(values()).filter(m -> m.task == task).map(ModelDefinition::configName).toList();
  }

  @Override
  public String toString() {
    return configName;
  }
}
