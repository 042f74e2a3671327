package dev.ncfspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentConfigLoaderTest {

  @Test
  void embeddedDefaultsAreTheNcfProtocol() {
    ExperimentConfig c = ExperimentConfigLoader.load(Optional.empty(), List.of());
    assertEquals(DatasetConfig.Format.SYNTHETIC, c.dataset().format());
    assertEquals(ImplicitConfig.Mode.ALL, c.implicitFeedback().mode());
    assertEquals(5, c.coreK().userK());
    assertEquals(SplitConfig.Kind.LEAVE_ONE_OUT, c.split().kind());
    assertEquals(99, c.negatives().evalCount());
    assertEquals(4, c.negatives().trainPerPositive());
    assertEquals(new FeaturesConfig(true, true, FeaturesConfig.TextEmbedding.AUTO, 32, List.of(),
        FeaturesConfig.MissingModality.AFTER_CORE_K), c.features());
    assertTrue(!c.embedsItemText(), "no default model needs the text embeddings");
  }

  @Test
  void theFeaturesSectionIsReadAndItsUnknownKeysRejected() {
    assertEquals(new FeaturesConfig(true, false, FeaturesConfig.TextEmbedding.ON, 8, List.of(),
        FeaturesConfig.MissingModality.AFTER_CORE_K), ExperimentConfigLoader.load(Optional.empty(),
        List.of("features.tags=false", "features.text-embedding=on", "features.text-embedding-batch=8")).features());
    assertTrue(ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[content-knn]")).embedsItemText(),
        "auto: embedded when an enabled model needs it");
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("features.enabled=false")).features().enabled());
    FeaturesConfig external = ExperimentConfigLoader.load(Optional.empty(), List.of("features.missing-modality=before-core-k",
        "features.external=[{name = visual, path = \"s3a://b/visual\", format = npy-folder}, {name = plot, path = p.csv, format = csv, "
            + "id-column = movie, required = false}]")).features();
    assertEquals(List.of(new FeaturesConfig.ExternalModality("visual", "s3a://b/visual", FeaturesConfig.Format.NPY_FOLDER, "item", "vector", true),
        new FeaturesConfig.ExternalModality("plot", "p.csv", FeaturesConfig.Format.CSV, "movie", "vector", false)), external.external());
    assertEquals(FeaturesConfig.MissingModality.BEFORE_CORE_K, external.missingModality());
    assertEquals(List.of("visual"), external.requiredModalities().stream().map(FeaturesConfig.ExternalModality::name).toList());
    assertEquals("visual", ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[content-knn]",
        "models.content-knn.modality=visual", "features.external=[{name = visual, path = x}]")).models().contentKnn().modality());
    com.typesafe.config.ConfigException unknownModality = assertThrows(com.typesafe.config.ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("models.enabled=[content-knn]", "models.content-knn.modality=visual")));
    assertTrue(unknownModality.getMessage().contains("content-knn.modality") && unknownModality.getMessage().contains("'visual'"),
        unknownModality.getMessage());
    for (String bad : List.of("[{name = text, path = x}]", "[{name = a, path = x}, {name = a, path = y}]", "[{name = a}]",
        "[{name = a, path = x, dim = 3}]")) {
      assertThrows(com.typesafe.config.ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
          List.of("features.external=" + bad)), bad);
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("features.tag=false")));
    assertTrue(unknown.getMessage().contains("features.tag") && unknown.getMessage().contains("unknown"), unknown.getMessage());
    assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(), List.of("features.tags=sometimes")));
  }

  @Test
  void fileThenOverridesWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("exp.conf");
    Files.writeString(file, "filter { user-k = 20, item-k = 10 }\nsplit.kind = user-random\n");
    ExperimentConfig c = ExperimentConfigLoader.load(Optional.of(file),
        List.of("filter.user-k=7", "run.output=s3a://bucket/runs//x", "split.ratios=[0.7,0.1,0.2]"));
    assertEquals(7, c.coreK().userK());
    assertEquals(10, c.coreK().itemK());
    assertEquals(SplitConfig.Kind.USER_RANDOM, c.split().kind());
    assertEquals("s3a://bucket/runs//x", c.run().output());
    assertEquals(0.2, c.split().testRatio(), 1e-12);
  }

  @Test
  void unknownKeysAndBadValuesAreNamed() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("filter.userk=3")));
    assertTrue(unknown.getMessage().contains("filter.userk"), unknown.getMessage());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("split.kind=random")));
    assertTrue(bad.getMessage().contains("leave-one-out") && bad.getMessage().contains("random"), bad.getMessage());
    ConfigException ratios = assertThrows(ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("split.ratios=[0.5,0.1,0.1]")));
    assertTrue(ratios.getMessage().contains("summing to 1"), ratios.getMessage());
    ConfigException path = assertThrows(ConfigException.class,
        () -> ExperimentConfigLoader.load(Optional.empty(), List.of("dataset.format=movielens")));
    assertTrue(path.getMessage().contains("dataset.path"), path.getMessage());
    ConfigException engine = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.engine=sparse", "models.ncf.spark.training-master=parameter-averaging")));
    assertTrue(engine.getMessage().contains("engine") && engine.getMessage().contains("parameter-averaging"), engine.getMessage());
    ConfigException examples = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.epoch-examples=in-memory", "models.ncf.spark.training-master=shared-gradients")));
    assertTrue(examples.getMessage().contains("epoch-examples") && examples.getMessage().contains("shared-gradients"), examples.getMessage());
    ConfigException graph = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.engine=graph", "models.ncf.spark.training-master=distributed")));
    assertTrue(graph.getMessage().contains("engine") && graph.getMessage().contains("distributed"), graph.getMessage());
    ConfigException driver = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.epoch-examples=driver")));
    assertTrue(driver.getMessage().contains("epoch-examples") && driver.getMessage().contains("in-memory"), driver.getMessage());
    NcfConfig distributed = ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.spark.training-master=distributed", "models.ncf.spark.merge-every-batches=25")).models().ncf();
    assertTrue(distributed.sparseEngine() && distributed.examplesInMemory());
    assertEquals(25, distributed.spark().mergeEveryBatches(4), "a number is kept whatever the workers");
    NcfConfig.SparkTraining auto = ExperimentConfigLoader.load(Optional.empty(), List.of()).models().ncf().spark();
    assertEquals(NcfConfig.SparkTraining.MERGE_AUTO, auto.mergeEveryBatches(), "the default is auto");
    assertEquals(List.of(100, 50, 25, 12, 1), List.of(auto.mergeEveryBatches(1), auto.mergeEveryBatches(2), auto.mergeEveryBatches(4),
        auto.mergeEveryBatches(8), auto.mergeEveryBatches(200)), "about 100 minibatches of all workers between merges");
    ConfigException merge = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.spark.merge-every-batches=often")));
    assertTrue(merge.getMessage().contains("merge-every-batches") && merge.getMessage().contains("auto"), merge.getMessage());
    ConfigException gpus = assertThrows(ConfigException.class, () -> ExperimentConfigLoader.load(Optional.empty(),
        List.of("models.ncf.spark.worker-gpus=1", "models.ncf.spark.training-master=local")));
    assertTrue(gpus.getMessage().contains("worker-gpus") && gpus.getMessage().contains("distributed"), gpus.getMessage());
    assertEquals(1.0, ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.spark.training-master=distributed",
        "models.ncf.spark.worker-gpus=1")).models().ncf().spark().workerGpus());
  }

  @Test
  void epochExamplesAreMadeInMemoryWhereTheSparseEngineTrains() {
    dev.ncfspark.config.NcfConfig defaults = ExperimentConfigLoader.load(Optional.empty(), List.of()).models().ncf();
    assertEquals(dev.ncfspark.config.NcfConfig.TrainingMaster.AUTO, defaults.spark().trainingMaster());
    assertTrue(defaults.examplesInMemory() && defaults.sparseEngine());
    assertTrue(ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.spark.training-master=local")).models().ncf().examplesInMemory());
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.spark.training-master=parameter-averaging"))
        .models().ncf().examplesInMemory());
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.epoch-examples=spark")).models().ncf().examplesInMemory());
    // graph with the default master: auto resolves to local for it
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.engine=graph")).models().ncf().sparseEngine());
  }

  @Test
  void theEngineFollowsTheTrainingMaster() {
    assertTrue(ExperimentConfigLoader.load(Optional.empty(), List.of()).models().ncf().sparseEngine());
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.spark.training-master=shared-gradients"))
        .models().ncf().sparseEngine());
    assertTrue(!ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.engine=graph")).models().ncf().sparseEngine());
  }
}
