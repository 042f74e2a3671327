package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The sparse engine ({@link SparseNcfNetwork}) in the driver: the epoch's minibatches stream from
 * the executors a partition at a time ({@code toLocalIterator}) as blocks of column arrays, cut
 * into minibatches of {@code batch-size} (a partition's last one smaller), one optimizer step each; the trained parameters are copied into the graph when asked for.
 */
final class SparseEngine implements NcfEngine {
  /** Examples per block streamed from the executors. */
  static final int BLOCK = 65_536;
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

  @Override
  public void fitEpoch(Dataset<Row> rows, TrainingProgress progress) {
    NativeThreads.limit(cfg.spark().ompThreads());
    int b = cfg.batchSize();
    int[] users = new int[b];
    int[] items = new int[b];
    float[] labels = new float[b];
    int n = 0;
    graphCurrent = false;
    // minibatches are cut from the partition's stream of blocks exactly as from its rows
    Iterator<NcfBatches.ExampleBlock> blocks = NcfBatches.blocks(rows, BLOCK).toLocalIterator();
    NcfBatches.ExampleBlock block = null;
    int at = 0;
    while (true) {
      if (block == null || at == block.size()) {
        if (!blocks.hasNext()) {
          break;
        }
        block = blocks.next();
        at = 0;
      }
      int take = Math.min(b - n, block.size() - at);
      System.arraycopy(block.users(), at, users, n, take);
      System.arraycopy(block.items(), at, items, n, take);
      System.arraycopy(block.labels(), at, labels, n, take);
      n += take;
      at += take;
      // a partition's last minibatch ends with it, as NcfBatches cuts them
      boolean endOfPartition = at == block.size() && block.endsPartition();
      if (n == b || endOfPartition) {
        network.fit(users, items, labels, n);
        progress.batchDone(n);
        n = 0;
      }
    }
    if (n > 0) {
      network.fit(users, items, labels, n);
      progress.batchDone(n);
    }
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
}
