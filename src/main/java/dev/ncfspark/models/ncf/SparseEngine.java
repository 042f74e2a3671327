package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The sparse engine ({@link SparseNcfNetwork}) in the driver: the epoch's examples arrive as
 * blocks of column arrays (made in this JVM, or streamed from the executors a partition at a
 * time), cut into minibatches of {@code batch-size}, one optimizer step each; the trained
 * parameters are copied into the graph when asked for.
 */
final class SparseEngine implements NcfEngine {
  private final NcfConfig cfg;
  private final SparseNcfNetwork network;
  private final ComputationGraph graph;
  private boolean graphCurrent = true;

  SparseEngine(NcfConfig cfg, SparseNcfNetwork network, ComputationGraph graph) {
    this.cfg = cfg;
    this.network = network;
    this.graph = graph;
  }

  SparseNcfNetwork network() {
    return network;
  }

  /** Tells the engine its network's parameters were changed from outside (a merge of workers' rounds). */
  void networkChanged() {
    graphCurrent = false;
  }

  @Override
  public void fitEpoch(EpochExamples examples, TrainingProgress progress) {
    NativeThreads.limit(cfg.spark().ompThreads());
    graphCurrent = false;
    NcfBatches.forEachMinibatch(examples.blocks(), cfg.batchSize(), (users, items, labels, n) -> {
      network.fit(users, items, labels, n);
      progress.batchDone(n);
    });
    // the epoch's parameters as dense Adam has them (catch-up), before they are scored or saved
    network.catchUpAll();
  }

  @Override
  public float[] predict(int[] users, int[] items, int n) {
    return network.predict(users, items, n);
  }

  @Override
  public ComputationGraph model() {
    if (!graphCurrent) {
      network.copyTo(graph);
      graphCurrent = true;
    }
    return graph;
  }

  @Override
  public byte[] checkpoint() {
    return NcfEngines.sparseCheckpoint(NcfCheckpoints.bytes(model(), false), network.optimizerState());
  }

  /** The same content as {@link #checkpoint}, in the form the distributed engine broadcasts every epoch ({@link ShippedModel}). */
  byte[] shipped() {
    return ShippedModel.of(model(), network.optimizerState());
  }
}
