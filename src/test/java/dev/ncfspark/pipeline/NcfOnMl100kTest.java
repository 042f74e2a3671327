package dev.ncfspark.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * NeuMF on ml-100k, leave-one-out with 99 sampled negatives, fixed seed: trained in the driver
 * (training-master = local) it must clearly beat MostPop on the same negatives, and the train
 * stage must leave its model, embeddings and per-epoch curves; trained by DL4J's parameter
 * averaging across two workers it must learn and resume from its checkpoint after a failure; and
 * trained by DL4J's shared-gradient master (Aeron transport on loopback) it must learn too.
 */
class NcfOnMl100kTest {
  static ExperimentConfig config(String... extra) {
    List<String> all = new java.util.ArrayList<>(List.of(
        "models.enabled=[neumf, most-pop]", "models.ncf.epochs=3", "models.ncf.batch-size=256",
        "models.ncf.spark.training-master=local",
        "evaluation.full-ranking.enabled=false", "evaluation.significance.baseline=most-pop"));
    all.addAll(List.of(extra));
    return TestRuns.ml100k(all.toArray(new String[0]));
  }

  @Test
  @SuppressWarnings("unchecked")
  void neuMfClearlyBeatsMostPopular() throws Exception {
    SparkSession spark = SparkTestSession.get();
    RunPipeline.Outcome o = new RunPipeline(spark, config()).run(Set.of(), false);
    Path run = Path.of(o.runPath().replace("file:", ""));
    Map<String, Double> hr = new HashMap<>();
    Map<String, Double> ndcg = new HashMap<>();
    for (Object x : Json.readList(Files.readString(run.resolve("metrics.json")))) {
      Map<String, Object> m = (Map<String, Object>) x;
      if ("sampled".equals(m.get("protocol")) && Integer.valueOf(10).equals(m.get("cutoff"))) {
        (m.get("metric").equals("HR") ? hr : ndcg).put((String) m.get("model"), ((Number) m.get("value")).doubleValue());
      }
    }
    System.out.printf("ml-100k HR@10 neumf %.4f most-pop %.4f; NDCG@10 neumf %.4f most-pop %.4f%n",
        hr.get("neumf"), hr.get("most-pop"), ndcg.get("neumf"), ndcg.get("most-pop"));
    assertTrue(hr.get("neumf") > hr.get("most-pop") + 0.05, hr.toString());
    assertTrue(ndcg.get("neumf") > ndcg.get("most-pop") + 0.03, ndcg.toString());

    assertTrue(Files.size(run.resolve("train/neumf/model.zip")) > 10_000);
    Dataset<Row> users = spark.read().parquet(run.resolve("train/neumf/user_embeddings").toString());
    assertEquals(943, users.count());
    Row u = users.orderBy("user_idx").first();
    assertEquals(8, u.getList(u.fieldIndex("gmf")).size());
    assertEquals(16, u.getList(u.fieldIndex("mlp")).size());
    assertEquals(spark.read().parquet(run.resolve("index/items").toString()).count(),
        spark.read().parquet(run.resolve("train/neumf/item_embeddings").toString()).count());

    List<Object> curves = Json.readList(Files.readString(run.resolve("train/curves.json")));
    assertTrue(curves.size() >= 1 && curves.size() <= 4, curves.toString());
    Map<String, Object> first = (Map<String, Object>) curves.get(0);
    assertTrue(((Number) first.get("validation_hr")).doubleValue() > 0.2, first.toString());
    assertTrue(((Number) first.get("loss")).doubleValue() > 0 && ((Number) first.get("loss")).doubleValue() < 0.7, first.toString());
    assertTrue(Files.readString(run.resolve("report/index.html")).contains("training loss"), "the report draws the curves");
    assertTrue(Files.notExists(run.resolve(TrainStage.CHECKPOINTS)) || Files.list(run.resolve(TrainStage.CHECKPOINTS)).findAny().isEmpty(),
        "checkpoints are removed once the stage completes");
  }

  @Test
  void parameterAveragingOnTwoWorkersLearnsAndResumesAfterAFailure() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.spark.training-master=parameter-averaging", "models.ncf.epochs=2",
        "models.ncf.batch-size=1024", "models.ncf.learning-rate=0.004"); // a quarter of the minibatches (and averaging rounds)
    TrainingInputs in = TrainingInputs.of(spark, cfg, "neumf");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    dev.ncfspark.models.ncf.NcfCheckpoints checkpoints = in.checkpoints();
    dev.ncfspark.models.ncf.SparkNcfTrainer trainer = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, in.run() + "/test_export");
    RuntimeException killed = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> trainer.train(in.inputs(ncf,
        epoch -> {
          if (epoch == 1) {
            throw new RuntimeException("killed in epoch 1");
          }
          return in.negatives();
        }, true)));
    assertEquals("killed in epoch 1", killed.getMessage());
    assertEquals(0, checkpoints.state().orElseThrow().epoch(), "epoch 0 was checkpointed");

    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome o = trainer.train(in.inputs(ncf, epoch -> in.negatives(), true));
    assertEquals(0, o.resumedAfterEpoch());
    assertEquals(List.of(0, 1), o.epochs().stream().map(dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch::epoch).toList());
    for (dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch e : o.epochs()) {
      // a constant predictor's cross-entropy at 1 positive in 5 is 0.5004; random ranking gives HR@10 = 0.1
      assertTrue(e.loss() < 0.45, e.toString());
      assertTrue(e.validationHr() > 0.25, e.toString());
    }
    checkpoints.delete();
  }

  /**
   * The sparse engine killed in epoch 2 of 3 without a validation split, then restarted: it
   * resumes from its checkpoint (parameters and lazy Adam state) and ends exactly where an
   * uninterrupted run ends. Epoch 2 trains on the positives labelled as negatives, so its loss is
   * the worst and the best (lowest-loss) epoch is 1, saved before the kill: the resumed run must
   * return that model, not the last one.
   */
  @Test
  void sparseEngineResumesWithoutValidationExactly() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.epochs=3", "models.ncf.batch-size=2048", "models.ncf.learning-rate=0.008");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    assertEquals("sparse", dev.ncfspark.models.ncf.SparkNcfTrainer.engineName(ncf));
    TrainingInputs whole = TrainingInputs.of(spark, cfg, "sparse-whole");
    java.util.function.IntFunction<Dataset<Row>> worseInEpoch2 = epoch -> epoch == 2 ? whole.train() : whole.negatives();
    dev.ncfspark.models.ncf.SparkNcfTrainer trainer = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, whole.run() + "/test_export");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome uninterrupted = trainer.train(whole.inputs(ncf, worseInEpoch2, false));
    List<Double> losses = uninterrupted.epochs().stream().map(dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch::loss).toList();
    assertEquals(1, uninterrupted.bestEpoch(), losses.toString());

    TrainingInputs in = TrainingInputs.of(spark, cfg, "sparse-killed");
    assertThrows(RuntimeException.class, () -> trainer.train(in.inputs(ncf, epoch -> {
      if (epoch == 2) {
        throw new RuntimeException("killed in epoch 2");
      }
      return worseInEpoch2.apply(epoch);
    }, false)));
    assertEquals(1, in.checkpoints().state().orElseThrow().epoch());
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome resumed = trainer.train(in.inputs(ncf, worseInEpoch2, false));
    assertEquals(1, resumed.resumedAfterEpoch());
    assertEquals(losses, resumed.epochs().stream().map(dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch::loss).toList(),
        "the resumed run trains epoch 2 exactly as the uninterrupted one");
    assertEquals(1, resumed.bestEpoch());
    assertEquals(uninterrupted.model().params(), resumed.model().params(), "the resumed run returns the best epoch's model");
    whole.checkpoints().delete();
    in.checkpoints().delete();
  }

  /**
   * Examples made in the driver: a run killed in epoch 2 of 3 and restarted ends with exactly the
   * model of the uninterrupted run, because an epoch's examples depend only on (seed, epoch).
   */
  @Test
  void driverExamplesResumeExactly() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.epochs=3", "models.ncf.batch-size=2048", "models.ncf.learning-rate=0.008",
        "models.ncf.patience=0");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    assertTrue(ncf.examplesInMemory());
    TrainingInputs whole = TrainingInputs.of(spark, cfg, "driver-whole");
    java.util.function.Supplier<dev.ncfspark.models.ncf.EpochExamples.Source> source = whole::inMemoryExamples;
    dev.ncfspark.models.ncf.SparkNcfTrainer trainer = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, whole.run() + "/test_export");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome uninterrupted = trainer.train(whole.inputs(ncf, source.get(), true));
    assertEquals(3, uninterrupted.epochs().size());
    for (dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch e : uninterrupted.epochs()) {
      assertTrue(e.loss() < 0.45 && e.validationHr() > 0.25, e.toString());
    }

    TrainingInputs in = TrainingInputs.of(spark, cfg, "driver-killed");
    dev.ncfspark.models.ncf.EpochExamples.Source inner = source.get();
    dev.ncfspark.models.ncf.EpochExamples.Source killedInEpoch2 = new dev.ncfspark.models.ncf.EpochExamples.Source() {
      @Override
      public dev.ncfspark.models.ncf.EpochExamples epoch(int epoch) {
        if (epoch == 2) {
          throw new RuntimeException("killed in epoch 2");
        }
        return inner.epoch(epoch);
      }

      @Override
      public void close() {
        inner.close();
      }
    };
    assertThrows(RuntimeException.class, () -> trainer.train(in.inputs(ncf, killedInEpoch2, true)));
    assertEquals(1, in.checkpoints().state().orElseThrow().epoch());
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome resumed = trainer.train(in.inputs(ncf, source.get(), true));
    assertEquals(1, resumed.resumedAfterEpoch());
    assertEquals(uninterrupted.epochs().stream().map(dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch::validationHr).toList(),
        resumed.epochs().stream().map(dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch::validationHr).toList());
    assertEquals(uninterrupted.bestEpoch(), resumed.bestEpoch());
    assertEquals(uninterrupted.model().params(), resumed.model().params(), "the resumed run ends with the same model");
    whole.checkpoints().delete();
    in.checkpoints().delete();
  }

  /**
   * {@code training-master = distributed} on 2 workers merging every 20 minibatches: one epoch
   * learns close to the single JVM, and the same seed and number of workers give exactly the same
   * model when the epoch's examples arrive in other partitions (as after a lost and recomputed
   * partition: each round is a function of the broadcast model and the worker's examples only).
   */
  @Test
  void distributedOnTwoWorkersLearnsAndIsDeterministic() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.spark.training-master=distributed", "models.ncf.spark.workers=2", "models.ncf.epochs=1",
        "models.ncf.batch-size=1024", "models.ncf.learning-rate=0.004", "models.ncf.spark.merge-every-batches=20");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    TrainingInputs in = TrainingInputs.of(spark, cfg, "distributed");
    dev.ncfspark.models.ncf.SparkNcfTrainer trainer = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, in.run() + "/test_export");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome first = trainer.train(in.inputs(ncf, epoch -> in.negatives(), true));
    in.checkpoints().delete();
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome again = trainer.train(in.inputs(ncf,
        dev.ncfspark.models.ncf.SparkEpochExamples.source(in.train(), epoch -> in.negatives(), 3, 1), true));
    in.checkpoints().delete();
    assertEquals(first.model().params(), again.model().params(), "the same model from other input partitions");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch e = first.epochs().get(0);
    System.out.println("distributed, 2 workers, merge every 20 minibatches, 1 epoch: " + e);

    ExperimentConfig one = config("models.ncf.epochs=1", "models.ncf.batch-size=1024", "models.ncf.learning-rate=0.004",
        "models.ncf.epoch-examples=spark");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch single = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, one.models().ncf(), 1,
        in.run() + "/test_export").train(in.inputs(one.models().ncf(), epoch -> in.negatives(), true)).epochs().get(0);
    in.checkpoints().delete();
    System.out.println("single JVM, 1 epoch: " + single);
    // measured here: HR@10 0.498 against 0.541 for the single JVM (sum merge; 0.472 with mean)
    assertTrue(e.loss() < 0.42, e.toString());
    assertTrue(e.validationHr() > 0.44 && e.validationHr() > single.validationHr() - 0.09, e + " against " + single);
  }

  /**
   * The default way to train on a cluster (distributed, each worker drawing its own users'
   * examples, one merge per epoch), here with 2 workers on local[2]: after a short run its
   * validation HR@10 is within 0.03 of the single JVM's on the same examples, and a second run
   * gives the same model.
   */
  @Test
  void distributedWorkersDrawingTheirExamplesLearnAsWellAsOneJvm() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.spark.training-master=distributed", "models.ncf.spark.workers=2", "models.ncf.epochs=3",
        "models.ncf.batch-size=256", "models.ncf.patience=0");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    assertTrue(ncf.examplesInMemory());
    TrainingInputs in = TrainingInputs.of(spark, cfg, "distributed-drawn");
    java.util.function.Supplier<dev.ncfspark.models.ncf.EpochExamples.Source> source = in::inMemoryExamples;
    dev.ncfspark.models.ncf.SparkNcfTrainer distributed = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, in.run() + "/test_export");
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome first = distributed.train(in.inputs(ncf, source.get(), true));
    in.checkpoints().delete();
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome again = distributed.train(in.inputs(ncf, source.get(), true));
    in.checkpoints().delete();
    assertEquals(first.model().params(), again.model().params(), "the same seed and workers give the same model");

    dev.ncfspark.config.NcfConfig local = ncf.withTrainingMaster(dev.ncfspark.config.NcfConfig.TrainingMaster.LOCAL);
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome single = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, local, 1,
        in.run() + "/test_export").train(in.inputs(local, source.get(), true));
    in.checkpoints().delete();
    double hr = first.epochs().get(2).validationHr();
    double singleHr = single.epochs().get(2).validationHr();
    System.out.printf("validation HR@10 after 3 epochs: 2 workers drawing their examples %.4f (%s), single JVM %.4f (%s)%n", hr,
        first.epochs().stream().map(e -> String.format("%.3f", e.validationHr())).toList(), singleHr,
        single.epochs().stream().map(e -> String.format("%.3f", e.validationHr())).toList());
    assertTrue(Math.abs(hr - singleHr) <= 0.03, hr + " against " + singleHr);
  }

  /** The shared run's training positives, epoch-0 negatives and validation candidates, and a fresh checkpoint folder. */
  record TrainingInputs(String run, Dataset<Row> train, Dataset<Row> negatives, Dataset<Row> validation,
      dev.ncfspark.models.ncf.NcfCheckpoints checkpoints) {
    /** The trainer's inputs for a fresh NeuMF (seed 1), with or without the per-epoch validation. */
    dev.ncfspark.models.ncf.SparkNcfTrainer.Inputs inputs(dev.ncfspark.config.NcfConfig ncf,
        java.util.function.IntFunction<Dataset<Row>> negativesOfEpoch, boolean validate) {
      return inputs(ncf, dev.ncfspark.models.ncf.SparkEpochExamples.source(train, negativesOfEpoch, 0, 1), validate);
    }

    /** Epochs made in memory (seed 1, 4 negatives a positive), the split's positives known. */
    dev.ncfspark.models.ncf.EpochExamples.Source inMemoryExamples() {
      Dataset<Row> known = train.sparkSession().read().parquet(run + "/split/interactions").select("user_idx", "item_idx");
      return dev.ncfspark.models.ncf.InMemoryEpochExamples.source(train, known, 943, 1682, 4, 0.0, 1);
    }

    /** The same with each epoch's examples from {@code examples}. */
    dev.ncfspark.models.ncf.SparkNcfTrainer.Inputs inputs(dev.ncfspark.config.NcfConfig ncf,
        dev.ncfspark.models.ncf.EpochExamples.Source examples, boolean validate) {
      return new dev.ncfspark.models.ncf.SparkNcfTrainer.Inputs("neumf", dev.ncfspark.models.ncf.NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, ncf, 943, 1682, 1),
          examples, validate ? TrainStage.validation(validation, ncf.validationCutoff()) : null, 943, 1682, checkpoints);
    }

    static TrainingInputs of(SparkSession spark, ExperimentConfig cfg, String checkpointName) {
      new RunPipeline(spark, cfg).run(Set.copyOf(RunPipeline.PREPARE), false);
      String run = TestRuns.OUTPUT.resolve("ml100k-shared").toString();
      Dataset<Row> splits = spark.read().parquet(run + "/split/interactions");
      Dataset<Row> validation = dev.ncfspark.evaluation.SampledRankingEvaluator.candidates(
          splits.where("split = 'validation'").select("user_idx", "item_idx"),
          spark.read().parquet(run + "/negatives/eval").where("split = 'validation'"));
      dev.ncfspark.io.RunFolder folder = new dev.ncfspark.io.RunFolder(run, spark.sparkContext().hadoopConfiguration());
      dev.ncfspark.models.ncf.NcfCheckpoints checkpoints = new dev.ncfspark.models.ncf.NcfCheckpoints(folder, "test_checkpoints/" + checkpointName);
      checkpoints.delete();
      return new TrainingInputs(run, splits.where("split = 'train'").select("user_idx", "item_idx"),
          spark.read().parquet(run + "/negatives/train/epoch=0"), validation, checkpoints);
    }
  }

  @Test
  void sharedGradientsOnTwoWorkersLearns() {
    SparkSession spark = SparkTestSession.get();
    ExperimentConfig cfg = config("models.ncf.spark.training-master=shared-gradients", "models.ncf.epochs=1",
        "models.ncf.spark.controller-address=127.0.0.1", "models.ncf.spark.network-mask=127.0.0.0/24",
        // 4x the paper's batch and rate: a quarter of the minibatches, each of which costs a round of encoded updates
        "models.ncf.batch-size=1024", "models.ncf.learning-rate=0.004");
    TrainingInputs in = TrainingInputs.of(spark, cfg, "shared");
    dev.ncfspark.config.NcfConfig ncf = cfg.models().ncf();
    dev.ncfspark.models.ncf.NcfCheckpoints checkpoints = in.checkpoints();
    dev.ncfspark.models.ncf.SparkNcfTrainer.Outcome o = new dev.ncfspark.models.ncf.SparkNcfTrainer(spark, ncf, 1, in.run() + "/test_export_shared")
        .train(in.inputs(ncf, epoch -> in.negatives(), true));
    dev.ncfspark.models.ncf.SparkNcfTrainer.Epoch e = o.epochs().get(0);
    System.out.println("shared-gradients, 2 workers, 1 epoch: " + e);
    // a constant predictor's cross-entropy at 1 positive in 5 is 0.5004; random ranking gives HR@10 = 0.1
    // (measured here: loss 0.326, HR@10 0.506, as good as one JVM's first epoch)
    assertTrue(e.loss() < 0.42, e.toString());
    assertTrue(e.validationHr() > 0.35, e.toString());
    checkpoints.delete();
  }
}
