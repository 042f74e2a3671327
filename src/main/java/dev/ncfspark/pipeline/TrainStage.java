package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.config.NegativesConfig;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.negatives.TrainNegativeSampler;
import dev.ncfspark.evaluation.PerUserMetrics;
import dev.ncfspark.evaluation.SampledRankingEvaluator;
import dev.ncfspark.io.Json;
import dev.ncfspark.models.ModelDefinition;
import dev.ncfspark.models.ncf.EmbeddingTables;
import dev.ncfspark.models.ncf.EpochExamples;
import dev.ncfspark.models.ncf.InMemoryEpochExamples;
import dev.ncfspark.models.ncf.NcfCheckpoints;
import dev.ncfspark.models.ncf.NcfGraphs;
import dev.ncfspark.models.ncf.NcfPretraining;
import dev.ncfspark.models.ncf.NcfValidation;
import dev.ncfspark.models.ncf.SparkEpochExamples;
import dev.ncfspark.models.ncf.SparkNcfTrainer;
import dev.ncfspark.models.ncf.TrainingMasters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Stage 7: trains the enabled NCF models (GMF, MLP, NeuMF, optionally pre-trained from the other
 * two; then VBPR and NeuMF with features, which read the features stage's exports) on Spark executors. Each epoch uses that epoch's training negatives: the ones the
 * negatives stage wrote, else drawn now by the same seeded sampler. Writes per model {@code
 * train/<model>/model.zip} (the best epoch's DL4J model), {@code user_embeddings/} and {@code
 * item_embeddings/} (Parquet, with original ids), and {@code train/curves.json} (per-epoch loss,
 * validation HR/NDCG, samples/s). Epoch checkpoints live in {@code train_checkpoints/<fingerprint>/}
 * until the stage completes, so a killed job resumes where it stopped.
 */
final class TrainStage extends PipelineStage {
  static final String NAME = "train";
  static final String CURVES = NAME + "/curves.json";
  static final String CHECKPOINTS = "train_checkpoints";
  /** Training negatives drawn by this stage (epochs beyond the negatives stage's), while it runs. */
  private static final String SAMPLED_NEGATIVES = NAME + "/_negatives";

  TrainStage() {
    super(NAME, "models.ncf", "negatives.train", "run.seed");
  }

  @Override
  String fingerprintExtras(dev.ncfspark.config.ExperimentConfig config) {
    StringBuilder extras = new StringBuilder("\nmodels=" + config.models().enabledTrainedByTrainStage());
    // the models with side information read their own sections and the features stage's output
    // (content-knn reads it too, but in the evaluate stage: not a reason to retrain)
    List<ModelDefinition> withFeatures = config.models().enabledTrainedByTrainStage().stream()
        .filter(m -> m.needs().contains(ModelDefinition.Need.ITEM_FEATURES)).toList();
    for (ModelDefinition m : withFeatures) {
      extras.append('\n').append(m.configName()).append('=').append(config.sectionJson("models." + m.configName()));
    }
    if (!withFeatures.isEmpty()) {
      extras.append("\nfeatures=").append(config.sectionJson("features"));
    }
    return extras.toString();
  }

  static String modelPath(ModelDefinition model) {
    return NAME + "/" + model.configName() + "/model.zip";
  }

  @Override
  StageStats run(StageContext ctx) {
    ModelsConfig models = ctx.config().models();
    List<ModelDefinition> enabled = models.enabledTrainedByTrainStage();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("models", enabled.stream().map(ModelDefinition::configName).toList());
    if (enabled.isEmpty()) {
      ctx.run().writeText(CURVES, "[]");
      return new StageStats(0, 0, 0, 0, details);
    }
    NcfConfig cfg = models.ncf();
    NegativesConfig negatives = ctx.config().negatives();
    Dataset<Row> splits = ctx.read(SplitStage.INTERACTIONS);
    Dataset<Row> train = splits.where(col(Columns.SPLIT).equalTo(Columns.TRAIN)).select(Columns.USER_IDX, Columns.ITEM_IDX)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> positives = splits.select(Columns.USER_IDX, Columns.ITEM_IDX)
        .unionByName(ctx.read(SplitStage.REJECTED).select(Columns.USER_IDX, Columns.ITEM_IDX));
    int numUsers = Math.toIntExact(ctx.read(IndexStage.USERS).count());
    int numItems = Math.toIntExact(ctx.read(IndexStage.ITEMS).count());
    Dataset<Row> validationPositives = splits.where(col(Columns.SPLIT).equalTo(Columns.VALIDATION)).select(Columns.USER_IDX, Columns.ITEM_IDX);
    Dataset<Row> validation = null;
    if (!validationPositives.isEmpty()) {
      validation = SampledRankingEvaluator.candidates(validationPositives,
          ctx.read(NegativesStage.EVAL).where(col(Columns.SPLIT).equalTo(Columns.VALIDATION))).persist(StorageLevel.MEMORY_AND_DISK());
    }
    EpochExamples.Source examples;
    if (cfg.examplesInMemory()) {
      examples = InMemoryEpochExamples.source(train, positives, numUsers, numItems, negatives.trainPerPositive(),
          negatives.popularityAlpha(), ctx.seed());
    } else {
      TrainNegativeSampler sampler = new TrainNegativeSampler(negatives.trainPerPositive(), negatives.popularityAlpha(), ctx.seed());
      java.util.function.IntFunction<Dataset<Row>> negativesOfEpoch = epoch -> {
        String path = NegativesStage.TRAIN + "/epoch=" + epoch;
        return ctx.run().exists(path) ? ctx.read(path)
            : sampler.sample(train, positives, numItems, epoch, Checkpoints.in(ctx.spark(), ctx.run().path(SAMPLED_NEGATIVES + "/epoch=" + epoch)));
      };
      examples = SparkEpochExamples.source(train, negativesOfEpoch, cfg.spark().partitions(), ctx.seed());
    }
    String checkpointRoot = CHECKPOINTS + "/" + ctx.fingerprint().substring(0, 16);
    SparkNcfTrainer trainer = new SparkNcfTrainer(ctx.spark(), cfg, ctx.seed(), ctx.run().path(checkpointRoot + "/_export"));
    cfg = trainer.config(); // the training master resolved (auto: local or distributed)
    List<Map<String, Object>> curves = new ArrayList<>();
    Map<ModelDefinition, ComputationGraph> trained = new java.util.EnumMap<>(ModelDefinition.class);
    Map<String, Object> perModel = new LinkedHashMap<>();
    try {
      for (ModelDefinition model : enabled) {
        NcfGraphs.SideInputs side = SideInputsReader.read(ctx, model, numUsers, numItems);
        ComputationGraph net = NcfGraphs.create(model, cfg, numUsers, numItems, side, ctx.seed());
        boolean pretrained = model == ModelDefinition.NEUMF && cfg.pretrain() && trained.containsKey(ModelDefinition.GMF)
            && trained.containsKey(ModelDefinition.MLP);
        if (pretrained) {
          NcfPretraining.initialise(net, trained.get(ModelDefinition.GMF), trained.get(ModelDefinition.MLP), cfg.pretrainAlpha());
        }
        NcfCheckpoints checkpoints = new NcfCheckpoints(ctx.run(), checkpointRoot + "/" + model.configName());
        SparkNcfTrainer.Outcome outcome = trainer.train(new SparkNcfTrainer.Inputs(model.configName(), net, examples,
            validation == null ? null : validation(validation, cfg.validationCutoff()), numUsers, numItems, checkpoints));
        trained.put(model, outcome.model());
        ctx.run().writeBytes(modelPath(model), NcfCheckpoints.bytes(outcome.model(), false));
        writeEmbeddings(ctx, model, outcome.model());
        for (SparkNcfTrainer.Epoch e : outcome.epochs()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("model", model.configName());
          m.putAll(e.toMap());
          curves.add(m);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("parameters", outcome.model().numParams());
        d.put("epochs", outcome.epochs().size());
        d.put("best_epoch", outcome.bestEpoch());
        d.put("stopped_early", outcome.stoppedEarly());
        d.put("resumed_after_epoch", outcome.resumedAfterEpoch());
        d.put("pretrained", pretrained);
        if (side != null) {
          d.put("side_inputs", SideInputsReader.details(model, models, side));
        }
        d.put("seconds", outcome.epochs().stream().mapToDouble(SparkNcfTrainer.Epoch::seconds).sum());
        d.put("epoch_seconds", outcome.epochs().stream().mapToDouble(SparkNcfTrainer.Epoch::epochSeconds).filter(x -> !Double.isNaN(x)).sum());
        perModel.put(model.configName(), d);
      }
      ctx.run().writeText(CURVES, Json.write(curves));
      ctx.run().delete(checkpointRoot);
    } finally {
      examples.close();
      ctx.run().delete(SAMPLED_NEGATIVES);
      train.unpersist();
      if (validation != null) {
        validation.unpersist();
      }
    }
    details.put("per_model", perModel);
    details.put("training_master", ConfigValues.kebab(cfg.spark().trainingMaster()));
    if (cfg.spark().trainingMaster() != NcfConfig.TrainingMaster.LOCAL) {
      int workers = TrainingMasters.workers(cfg, ctx.spark().sparkContext());
      details.put("workers", workers);
      if (cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.DISTRIBUTED) {
        details.put("merge_every_batches", cfg.spark().mergeEveryBatches(workers));
      }
    }
    details.put("engine", SparkNcfTrainer.engineName(cfg));
    details.put("epoch_examples", cfg.examplesInMemory() ? "in-memory" : "spark");
    details.put("batch_size", cfg.batchSize());
    return new StageStats(curves.size(), numUsers, numItems, 0, details);
  }

  /** Sampled HR@K and NDCG@K of a model on the validation {@code candidates} (the trainer's per-epoch validation). */
  static NcfValidation validation(Dataset<Row> candidates, int cutoff) {
    SampledRankingEvaluator evaluator = new SampledRankingEvaluator(List.of(cutoff));
    return scorer -> {
      Row m = evaluator.evaluate(scorer, candidates)
          .groupBy().pivot(PerUserMetrics.METRIC, List.of(SampledRankingEvaluator.HR, SampledRankingEvaluator.NDCG))
          .agg(avg(PerUserMetrics.VALUE)).first();
      return new NcfValidation.Scores(m.isNullAt(0) ? Double.NaN : m.getDouble(0), m.isNullAt(1) ? Double.NaN : m.getDouble(1));
    };
  }

  private static void writeEmbeddings(StageContext ctx, ModelDefinition model, ComputationGraph net) {
    Dataset<Row> users = ctx.read(IndexStage.USERS);
    Dataset<Row> items = ctx.read(IndexStage.ITEMS);
    ctx.write(EmbeddingTables.users(ctx.spark(), net).join(users, Columns.USER_IDX).orderBy(Columns.USER_IDX)
        .select(Columns.USER_IDX, Columns.USER, "gmf", "mlp"), NAME + "/" + model.configName() + "/user_embeddings");
    ctx.write(EmbeddingTables.items(ctx.spark(), net).join(items, Columns.ITEM_IDX).orderBy(Columns.ITEM_IDX)
        .select(Columns.ITEM_IDX, Columns.ITEM, "gmf", "mlp"), NAME + "/" + model.configName() + "/item_embeddings");
  }
}
