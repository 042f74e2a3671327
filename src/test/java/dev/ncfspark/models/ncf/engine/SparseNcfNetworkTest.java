package dev.ncfspark.models.ncf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.NcfBatches;
import dev.ncfspark.models.ncf.NcfGraphs;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import dev.ncfspark.models.ModelDefinition;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sparse engine against DL4J itself: when every row is touched every step, lazy Adam is dense
 * Adam, so the engine must end where {@code ComputationGraph.fit} ends; rows a minibatch does not
 * touch must not move; the CPU kernels and the ND4J-op kernels must agree; the optimizer state
 * must survive a save and restore.
 */
class SparseNcfNetworkTest {
  static NcfConfig config(double l2, double dropout, String... extra) {
    List<String> settings = new java.util.ArrayList<>(List.of("models.ncf.preset=custom", "models.ncf.gmf-embedding=4",
        "models.ncf.mlp-embedding=3", "models.ncf.mlp-layers=[8, 4]", "models.ncf.learning-rate=0.01",
        "models.ncf.l2=" + l2, "models.ncf.dropout=" + dropout));
    settings.addAll(List.of(extra));
    return ExperimentConfigLoader.load(Optional.empty(), settings).models().ncf();
  }

  static SparseNcfNetwork network(ComputationGraph graph, NcfConfig cfg, EmbeddingKernels kernels) {
    return new SparseNcfNetwork(graph,
        new SparseNcfNetwork.Settings(cfg.learningRate(), cfg.adamBeta1(), cfg.adamBeta2(), cfg.l2(), cfg.dropout(), 7,
            cfg.sparseAdam() == NcfConfig.SparseAdam.CATCH_UP), kernels);
  }

  /**
   * A graph of {@code model}; vbpr and neumf-features get seeded item features (5 columns) and,
   * for neumf-features, one-hot user demographics (2 columns).
   */
  static ComputationGraph graph(ModelDefinition model, NcfConfig cfg, int users, int items, long seed) {
    NcfGraphs.SideInputs side = switch (model) {
      case VBPR -> new NcfGraphs.SideInputs(randomFeatures(items, 5, seed), 3, null, 0, 4);
      case NEUMF_FEATURES -> {
        INDArray demographics = Nd4j.zeros(DataType.FLOAT, users, 2);
        for (int u = 0; u < users; u++) {
          demographics.putScalar(u, u % 2, 1f);
        }
        yield new NcfGraphs.SideInputs(randomFeatures(items, 5, seed), 3,
            demographics, 2, 0);
      }
      default -> null;
    };
    return NcfGraphs.create(model, cfg, users, items, side, seed);
  }

  private static INDArray randomFeatures(int rows, int columns, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[rows * columns];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    return Nd4j.create(v, new long[] {rows, columns}, 'c');
  }

  @ParameterizedTest
  @EnumSource(value = ModelDefinition.class, names = {"GMF", "MLP", "NEUMF", "VBPR", "NEUMF_FEATURES"})
  void equalsDl4jDenseAdamWhenEveryRowIsTouchedEveryStep(ModelDefinition model) {
    NcfConfig cfg = config(0.001, 0);
    int users = 3;
    int items = 4;
    ComputationGraph reference = graph(model, cfg, users, items, 11);
    INDArray features = model == ModelDefinition.VBPR || model == ModelDefinition.NEUMF_FEATURES
        ? reference.getParam(NcfGraphs.ITEM_FEATURES + "_W").dup() : null;
    ComputationGraph exported = reference.clone();
    SparseNcfNetwork net = network(reference.clone(), cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    SplittableRandom random = new SplittableRandom(3);
    int n = users * items + 3; // every pair, and three duplicates
    for (int step = 0; step < 6; step++) {
      int[] u = new int[n];
      int[] v = new int[n];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        u[i] = i < users * items ? i / items : random.nextInt(users);
        v[i] = i < users * items ? i % items : random.nextInt(items);
        y[i] = random.nextInt(3) == 0 ? 1f : 0f;
      }
      reference.fit(NcfBatches.batch(floats(u), floats(v), y, n));
      net.fit(u, v, y, n);
    }
    net.copyTo(exported);
    assertParamsClose(reference, exported, 2e-5);
    if (features != null) {
      assertEquals(features, reference.getParam(NcfGraphs.ITEM_FEATURES + "_W"), "the item features are frozen");
      assertEquals(reference.numParams(), net.numParams());
    }
    int[] u = {0, 1, 2, 2};
    int[] v = {3, 2, 1, 0};
    INDArray expected = reference.outputSingle(false, NcfBatches.batch(floats(u), floats(v), new float[4], 4).getFeatures());
    assertArrayEquals(expected.ravel().toFloatVector(), net.predict(u, v, 4), 1e-5f);
  }

  /**
   * Catch-up Adam follows DL4J's dense Adam while minibatches touch a few rows each (gaps of up to
   * 150 steps, beyond the exactly summed 64); lazy Adam, on the same minibatches, does not.
   */
  @ParameterizedTest
  @EnumSource(value = ModelDefinition.class, names = {"GMF", "MLP", "NEUMF", "VBPR"})
  void catchUpFollowsDl4jDenseAdamWhenRowsAreTouchedOnlySometimes(ModelDefinition model) {
    NcfConfig catchUp = config(0, 0, "models.ncf.sparse-adam=catch-up");
    NcfConfig lazy = config(0, 0, "models.ncf.sparse-adam=lazy");
    int users = 20;
    int items = 15;
    ComputationGraph reference = graph(model, catchUp, users, items, 11);
    SparseNcfNetwork net = network(reference.clone(), catchUp, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    SparseNcfNetwork lazyNet = network(reference.clone(), lazy, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    SplittableRandom random = new SplittableRandom(5);
    int n = 5;
    for (int step = 0; step < 160; step++) {
      int[] u = new int[n];
      int[] v = new int[n];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        // user 19 and item 14 only at steps 0 and 150: a gap past the exact terms
        u[i] = (step == 0 || step == 150) && i == 0 ? users - 1 : random.nextInt(users - 1);
        v[i] = (step == 0 || step == 150) && i == 0 ? items - 1 : random.nextInt(items - 1);
        y[i] = random.nextInt(3) == 0 ? 1f : 0f;
      }
      reference.fit(NcfBatches.batch(floats(u), floats(v), y, n));
      net.fit(u, v, y, n);
      lazyNet.fit(u, v, y, n);
    }
    net.catchUpAll();
    lazyNet.catchUpAll(); // nothing for lazy Adam
    ComputationGraph exported = reference.clone();
    net.copyTo(exported);
    assertParamsClose(reference, exported, 1e-4);
    ComputationGraph lazyExported = reference.clone();
    lazyNet.copyTo(lazyExported);
    double lazyGap = 0;
    for (String p : reference.paramTable().keySet()) {
      lazyGap = Math.max(lazyGap, reference.getParam(p).sub(lazyExported.getParam(p)).amaxNumber().doubleValue());
    }
    assertTrue(lazyGap > 1e-2, "lazy Adam should be far from dense Adam here, max difference " + lazyGap);
  }

  @Test
  void rowsTheMinibatchDoesNotTouchDoNotMove() {
    NcfConfig cfg = config(0.01, 0.2, "models.ncf.sparse-adam=lazy");
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 50, 40, 5);
    ComputationGraph before = graph.clone();
    SparseNcfNetwork net = network(graph, cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    int[] u = {0, 3, 3, 9, 1, 0};
    int[] v = {2, 2, 7, 5, 0, 9};
    float[] y = {1, 0, 1, 0, 0, 1};
    for (int step = 0; step < 4; step++) {
      net.fit(u, v, y, u.length);
    }
    ComputationGraph after = graph.clone();
    net.copyTo(after);
    for (String table : List.of(NcfGraphs.GMF_USER, NcfGraphs.MLP_USER, NcfGraphs.GMF_ITEM, NcfGraphs.MLP_ITEM)) {
      INDArray w0 = before.getParam(table + "_W");
      INDArray w1 = after.getParam(table + "_W");
      for (int r = 0; r < w0.rows(); r++) {
        boolean touched = table.endsWith("user") ? contains(u, r) : contains(v, r);
        boolean moved = !w0.getRow(r).equals(w1.getRow(r));
        assertEquals(touched, moved, table + " row " + r + (touched ? " should move" : " should not move"));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lazy", "catch-up"})
  void cpuKernelsAndNd4jOpKernelsAgree(String adam) {
    NcfConfig cfg = config(0.001, 0.1, "models.ncf.sparse-adam=" + adam);
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 30, 20, 9);
    SparseNcfNetwork cpu = network(graph.clone(), cfg, new CpuBufferKernels());
    SparseNcfNetwork ops = network(graph.clone(), cfg, new Nd4jOpKernels());
    SplittableRandom random = new SplittableRandom(1);
    for (int step = 0; step < 8; step++) {
      int n = 17 + step; // two sizes of buffers, duplicates within a batch
      int[] u = random.ints(n, 0, 30).toArray();
      int[] v = random.ints(n, 0, 20).toArray();
      float[] y = new float[n];
      for (int i = 0; i < n; i += 3) {
        y[i] = 1;
      }
      cpu.fit(u, v, y, n);
      ops.fit(u, v, y, n);
    }
    cpu.catchUpAll();
    ops.catchUpAll();
    ComputationGraph a = graph.clone();
    ComputationGraph b = graph.clone();
    cpu.copyTo(a);
    ops.copyTo(b);
    assertParamsClose(a, b, 1e-6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lazy", "catch-up"})
  void optimizerStateSurvivesASaveAndRestore(String adam) {
    NcfConfig cfg = config(0.001, 0.1, "models.ncf.sparse-adam=" + adam);
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 12, 10, 2);
    SparseNcfNetwork first = network(graph.clone(), cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    int[] u = {0, 4, 4, 11, 7};
    int[] v = {1, 1, 9, 3, 0};
    float[] y = {1, 0, 1, 0, 1};
    for (int step = 0; step < 3; step++) {
      first.fit(u, v, y, 5);
    }
    ComputationGraph saved = graph.clone();
    first.copyTo(saved);
    SparseNcfNetwork second = network(saved.clone(), cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    second.restoreOptimizerState(first.optimizerState());
    assertEquals(3, second.iteration());
    for (int step = 0; step < 2; step++) {
      first.fit(u, v, y, 5);
      second.fit(u, v, y, 5);
    }
    ComputationGraph a = graph.clone();
    ComputationGraph b = graph.clone();
    first.copyTo(a);
    second.copyTo(b);
    assertParamsClose(a, b, 0);
  }

  @Test
  void neuMfPretrainedFromTrainedGmfAndMlpMixesTheirLogits() {
    NcfConfig cfg = config(0, 0);
    SplittableRandom random = new SplittableRandom(4);
    int[] u = random.ints(40, 0, 9).toArray();
    int[] v = random.ints(40, 0, 7).toArray();
    float[] y = new float[40];
    for (int i = 0; i < 40; i += 4) {
      y[i] = 1;
    }
    ComputationGraph gmf = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.GMF, cfg, 9, 7, 1);
    ComputationGraph mlp = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.MLP, cfg, 9, 7, 2);
    SparseNcfNetwork gmfNet = network(gmf, cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    SparseNcfNetwork mlpNet = network(mlp, cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    for (int step = 0; step < 5; step++) {
      gmfNet.fit(u, v, y, 40);
      mlpNet.fit(u, v, y, 40);
    }
    gmfNet.copyTo(gmf);
    mlpNet.copyTo(mlp);
    ComputationGraph neumf = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, 9, 7, 3);
    dev.ncfspark.models.ncf.NcfPretraining.initialise(neumf, gmf, mlp, 0.3);
    SparseNcfNetwork neumfNet = network(neumf, cfg, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    float[] pg = gmfNet.predict(u, v, 40);
    float[] pm = mlpNet.predict(u, v, 40);
    float[] pn = neumfNet.predict(u, v, 40);
    for (int i = 0; i < 40; i++) {
      double mixed = 1 / (1 + Math.exp(-(0.3 * logit(pg[i]) + 0.7 * logit(pm[i]))));
      assertEquals(mixed, pn[i], 1e-5, "example " + i);
    }
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  static void assertParamsClose(ComputationGraph expected, ComputationGraph actual, double tolerance) {
    for (Map.Entry<String, INDArray> e : expected.paramTable().entrySet()) {
      INDArray want = e.getValue();
      INDArray got = actual.getParam(e.getKey());
      double diff = want.sub(got).amaxNumber().doubleValue();
      assertTrue(diff <= tolerance, e.getKey() + ": max difference " + diff + " > " + tolerance);
    }
  }

  private static boolean contains(int[] a, int x) {
    for (int i : a) {
      if (i == x) {
        return true;
      }
    }
    return false;
  }

  private static float[] floats(int[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = a[i];
    }
    return f;
  }
}
