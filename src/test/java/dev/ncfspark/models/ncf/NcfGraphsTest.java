package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The three NCF graphs: shapes, parameter counts, embedding activation, pre-training, batches. */
class NcfGraphsTest {
  static NcfConfig ncf(String... overrides) {
    return ExperimentConfigLoader.load(Optional.empty(), List.of(overrides)).models().ncf();
  }

  @Test
  void paperPresetHasThePapersLayerSizes() {
    NcfConfig cfg = ncf("models.ncf.factors=8");
    assertEquals(8, cfg.gmfEmbedding());
    assertEquals(16, cfg.mlpEmbedding());
    assertEquals(List.of(32, 16, 8), cfg.mlpLayers());
    NcfConfig small = ncf("models.ncf.preset=small");
    assertEquals(8, small.mlpEmbedding());
    assertEquals(List.of(64, 32), small.mlpLayers());
  }

  @Test
  void parameterCountsMatchTheArchitecture() {
    NcfConfig cfg = ncf("models.ncf.factors=8");
    int users = 50;
    int items = 30;
    long gmf = (long) (users + items) * 8 + 8 + 1;
    long mlpTower = 32L * 32 + 32 + 32L * 16 + 16 + 16L * 8 + 8;
    long mlp = (long) (users + items) * 16 + mlpTower + 8 + 1;
    long neumf = (long) (users + items) * (8 + 16) + mlpTower + 16 + 1;
    assertEquals(gmf, NcfGraphs.create(dev.ncfspark.models.ModelDefinition.GMF, cfg, users, items, 1).numParams());
    assertEquals(mlp, NcfGraphs.create(dev.ncfspark.models.ModelDefinition.MLP, cfg, users, items, 1).numParams());
    assertEquals(neumf, NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, users, items, 1).numParams());
    assertThrows(IllegalArgumentException.class, () -> NcfGraphs.create(dev.ncfspark.models.ModelDefinition.ALS, cfg, users, items, 1));
  }

  @Test
  void embeddingsAreLinearLookupsAndTheOutputIsAProbability() {
    ComputationGraph net = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, ncf(), 20, 10, 7);
    EmbeddingLayer e = (EmbeddingLayer) net.getLayer(NcfGraphs.GMF_USER).conf().getLayer();
    assertTrue(e.getActivationFn() instanceof ActivationIdentity, "DL4J's default embedding activation is sigmoid");
    INDArray users = Nd4j.create(new float[] {0, 19, 5}, new long[] {3, 1}, 'c');
    INDArray items = Nd4j.create(new float[] {9, 0, 3}, new long[] {3, 1}, 'c');
    INDArray out = net.outputSingle(false, users, items);
    assertArrayEquals(new long[] {3, 1}, out.shape());
    for (float p : out.ravel().toFloatVector()) {
      assertTrue(p > 0 && p < 1, "sigmoid output " + p);
    }
    // the GMF embedding of user 19 is row 19 of the table, unchanged (identity activation)
    INDArray row = net.getParam(NcfGraphs.GMF_USER + "_W").getRow(19);
    INDArray looked = net.feedForward(new INDArray[] {users, items}, false).get(NcfGraphs.GMF_USER).getRow(1);
    assertEquals(row.sub(looked).norm2Number().doubleValue(), 0.0, 1e-7);
  }

  @Test
  void neuMfPretrainingCopiesTowersAndMixesTheOutputLayers() {
    NcfConfig cfg = ncf();
    ComputationGraph gmf = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.GMF, cfg, 12, 9, 1);
    ComputationGraph mlp = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.MLP, cfg, 12, 9, 2);
    ComputationGraph neumf = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 12, 9, 3);
    NcfPretraining.initialise(neumf, gmf, mlp, 0.5);
    assertEquals(gmf.getParam("gmf_item_W"), neumf.getParam("gmf_item_W"));
    assertEquals(mlp.getParam("mlp_2_W"), neumf.getParam("mlp_2_W"));
    INDArray w = neumf.getParam(NcfGraphs.OUTPUT + "_W");
    assertEquals(gmf.getParam(NcfGraphs.OUTPUT + "_W").getDouble(3) * 0.5, w.getDouble(3), 1e-6);
    assertEquals(mlp.getParam(NcfGraphs.OUTPUT + "_W").getDouble(2) * 0.5, w.getDouble(8 + 2), 1e-6);
    double b = 0.5 * gmf.getParam(NcfGraphs.OUTPUT + "_b").getDouble(0) + 0.5 * mlp.getParam(NcfGraphs.OUTPUT + "_b").getDouble(0);
    assertEquals(b, neumf.getParam(NcfGraphs.OUTPUT + "_b").getDouble(0), 1e-6);
    ComputationGraph otherSize = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.GMF, ncf("models.ncf.factors=16"), 12, 9, 1);
    assertThrows(IllegalArgumentException.class, () -> NcfPretraining.initialise(neumf, otherSize, mlp, 0.5));
  }

  @Test
  void batchesCarryTheRowsInOrder() {
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(i, 10 + i, i % 2 == 0 ? 1f : 0f));
    }
    NcfBatches.BatchIterator it = new NcfBatches.BatchIterator(rows.iterator(), 2);
    List<MultiDataSet> batches = new java.util.ArrayList<>();
    it.forEachRemaining(batches::add);
    assertEquals(3, batches.size());
    assertArrayEquals(new long[] {1, 1}, batches.get(2).getFeatures(0).shape(), "the last batch holds the rest");
    assertArrayEquals(new float[] {2, 3}, batches.get(1).getFeatures(0).ravel().toFloatVector());
    assertArrayEquals(new float[] {12, 13}, batches.get(1).getFeatures(1).ravel().toFloatVector());
    assertArrayEquals(new float[] {1, 0}, batches.get(1).getLabels(0).ravel().toFloatVector());
  }
}
