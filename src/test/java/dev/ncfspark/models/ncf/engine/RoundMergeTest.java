package dev.ncfspark.models.ncf.engine;

import static dev.ncfspark.models.ncf.engine.SparseNcfNetworkTest.assertParamsClose;
import static dev.ncfspark.models.ncf.engine.SparseNcfNetworkTest.config;
import static dev.ncfspark.models.ncf.engine.SparseNcfNetworkTest.network;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.NcfGraphs;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Merging workers' rounds ({@link SparseNcfNetwork#merge}): one worker's round merged into the
 * model it started from is that worker's model, optimizer state included; with two workers, a row
 * one worker touched takes that worker's values, a row both touched the start plus both moves
 * (sum) or their mean, an untouched row stays, and the dense layers combine the same way.
 */
class RoundMergeTest {
  private static final int[] U = {0, 4, 4, 11, 7};
  private static final int[] V = {1, 1, 9, 3, 0};
  private static final float[] Y = {1, 0, 1, 0, 1};

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"lazy, true, NEUMF", "lazy, false, NEUMF", "catch-up, true, NEUMF",
      "catch-up, false, NEUMF", "lazy, true, VBPR", "catch-up, false, VBPR", "lazy, false, NEUMF_FEATURES"})
  void oneWorkersRoundMergedIsThatWorker(String adam, boolean sum, dev.ncfspark.models.ModelDefinition model) {
    NcfConfig cfg = config(0.001, 0.1, "models.ncf.sparse-adam=" + adam);
    ComputationGraph graph = SparseNcfNetworkTest.graph(model, cfg, 12, 10, 2);
    SparseNcfNetwork driver = network(graph.clone(), cfg, kernels());
    SparseNcfNetwork worker = network(graph.clone(), cfg, kernels());
    worker.startRound(false);
    for (int step = 0; step < 3; step++) {
      worker.fit(U, V, Y, 5);
    }
    driver.merge(List.of(worker.roundUpdate(true)), sum);
    assertEquals(3, driver.iteration());
    assertArrayEquals(worker.optimizerState(), driver.optimizerState());
    assertParamsClose(params(worker, graph), params(driver, graph), 0);
    // and both train on identically
    driver.fit(U, V, Y, 5);
    worker.fit(U, V, Y, 5);
    assertParamsClose(params(worker, graph), params(driver, graph), 0);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"lazy, true", "lazy, false", "catch-up, true", "catch-up, false"})
  void rowsCombineOverTheWorkersThatTouchedThem(String adam, boolean sum) {
    NcfConfig cfg = config(0, 0, "models.ncf.sparse-adam=" + adam);
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 12, 10, 2);
    SparseNcfNetwork driver = network(graph.clone(), cfg, kernels());
    SparseNcfNetwork a = network(graph.clone(), cfg, kernels());
    SparseNcfNetwork b = network(graph.clone(), cfg, kernels());
    a.startRound(false);
    b.startRound(false);
    // users: a has 0 and 4, b has 7 and 11; items: 1 is touched by both, 9 by a, 3 by b, 5 by none
    a.fit(new int[] {0, 4}, new int[] {1, 9}, new float[] {1, 0}, 2);
    b.fit(new int[] {7, 11, 7}, new int[] {1, 3, 3}, new float[] {0, 1, 1}, 3);
    b.fit(new int[] {7}, new int[] {1}, new float[] {1}, 1);
    driver.merge(List.of(a.roundUpdate(true), b.roundUpdate(true)), sum);
    assertEquals(sum ? 3 : 2, driver.iteration(), "the step count advances by all the steps (sum) or the longest round (mean)");
    ComputationGraph merged = params(driver, graph);
    ComputationGraph pa = params(a, graph);
    ComputationGraph pb = params(b, graph);
    for (String table : new String[] {NcfGraphs.GMF_USER, NcfGraphs.MLP_USER}) {
      INDArray m = merged.getParam(table + "_W");
      assertRow(pa.getParam(table + "_W"), m, 0);
      assertRow(pa.getParam(table + "_W"), m, 4);
      assertRow(pb.getParam(table + "_W"), m, 7);
      assertRow(pb.getParam(table + "_W"), m, 11);
      assertRow(graph.getParam(table + "_W"), m, 5);
    }
    for (String table : new String[] {NcfGraphs.GMF_ITEM, NcfGraphs.MLP_ITEM}) {
      INDArray m = merged.getParam(table + "_W");
      assertRow(pa.getParam(table + "_W"), m, 9);
      assertRow(pb.getParam(table + "_W"), m, 3);
      assertRow(graph.getParam(table + "_W"), m, 5);
      INDArray both = combine(pa.getParam(table + "_W").getRow(1), pb.getParam(table + "_W").getRow(1),
          graph.getParam(table + "_W").getRow(1), sum);
      assertEquals(0, both.sub(m.getRow(1)).amaxNumber().doubleValue(), 1e-6, table + " row 1");
    }
    String layer = NcfGraphs.mlpLayer(0) + "_W";
    INDArray dense = combine(pa.getParam(layer), pb.getParam(layer), graph.getParam(layer), sum);
    assertEquals(0, dense.sub(merged.getParam(layer)).amaxNumber().doubleValue(), 1e-6, layer);
  }

  /** Two workers' values: base plus both moves, or their mean. */
  private static INDArray combine(INDArray a, INDArray b, INDArray base, boolean sum) {
    return sum ? a.add(b).subi(base) : a.add(b).divi(2);
  }

  private static void assertRow(INDArray expected, INDArray actual, int row) {
    assertEquals(0, expected.getRow(row).sub(actual.getRow(row)).amaxNumber().doubleValue(), 0.0, "row " + row);
  }

  private static EmbeddingKernels kernels() {
    return EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO);
  }

  private static ComputationGraph params(SparseNcfNetwork net, ComputationGraph architecture) {
    ComputationGraph g = architecture.clone();
    net.copyTo(g);
    return g;
  }
}
