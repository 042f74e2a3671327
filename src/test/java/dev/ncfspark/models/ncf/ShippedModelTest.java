package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ModelDefinition;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model the distributed engine broadcasts must be the driver's network exactly: the same
 * predictions and, trained on from there, the same steps (so the optimizer state came too).
 */
class ShippedModelTest {
  private static final int USERS = 40;
  private static final int ITEMS = 25;

  @ParameterizedTest
  @ValueSource(strings = {"lazy", "catch-up"})
  void aShippedNetworkPredictsAndTrainsOnExactlyAsTheOriginal(String adam) {
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.preset=custom", "models.ncf.gmf-embedding=4",
        "models.ncf.mlp-embedding=3", "models.ncf.mlp-layers=[8, 4]", "models.ncf.learning-rate=0.01", "models.ncf.sparse-adam=" + adam))
        .models().ncf();
    ComputationGraph graph = NcfGraphs.create(ModelDefinition.NEUMF, cfg, USERS, ITEMS, 3);
    SparseNcfNetwork.Settings settings = NcfEngines.settings(cfg, 5);
    SparseNcfNetwork original = new SparseNcfNetwork(graph, settings, EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
    SplittableRandom random = new SplittableRandom(11);
    for (int step = 0; step < 6; step++) {
      fit(original, random);
    }
    original.copyTo(graph);
    SparseNcfNetwork shipped = ShippedModel.restore(ShippedModel.of(graph, original.optimizerState()), settings, EmbeddingKernels.Choice.AUTO);
    int[] users = new int[USERS * ITEMS];
    int[] items = new int[USERS * ITEMS];
    for (int i = 0; i < users.length; i++) {
      users[i] = i / ITEMS;
      items[i] = i % ITEMS;
    }
    assertArrayEquals(original.predict(users, items, users.length), shipped.predict(users, items, users.length));
    for (int step = 0; step < 4; step++) {
      long seed = random.nextLong();
      fit(original, new SplittableRandom(seed));
      fit(shipped, new SplittableRandom(seed));
    }
    assertArrayEquals(original.predict(users, items, users.length), shipped.predict(users, items, users.length));
  }

  @org.junit.jupiter.api.Test
  void anythingElseIsRefused() {
    assertThrows(java.io.UncheckedIOException.class, () -> ShippedModel.restore(NcfEngines.sparseCheckpoint(new byte[0], new byte[0]),
        NcfEngines.settings(ExperimentConfigLoader.load(Optional.empty(), List.of()).models().ncf(), 1), EmbeddingKernels.Choice.AUTO));
  }

  private static void fit(SparseNcfNetwork net, SplittableRandom random) {
    int n = 30;
    int[] u = random.ints(n, 0, USERS).toArray();
    int[] v = random.ints(n, 0, ITEMS).toArray();
    float[] y = new float[n];
    for (int i = 0; i < n; i += 4) {
      y[i] = 1;
    }
    net.fit(u, v, y, n);
  }
}
