package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Chooses and builds the {@link NcfEngine} of a configuration ({@code models.ncf.engine}: auto is
 * the sparse engine with {@code training-master = local} and DL4J's graph under DL4J's Spark
 * masters), fresh or from a checkpoint. A sparse checkpoint is a zip of the graph ({@code
 * model.zip}, DL4J's format, no updater) and the optimizer state ({@code optimizer.bin}).
 */
final class NcfEngines {
  private static final String MODEL_ENTRY = "model.zip";
  private static final String OPTIMIZER_ENTRY = "optimizer.bin";

  private NcfEngines() {}

  /** An engine starting from {@code initial} (fresh or pre-trained parameters, no optimizer state). */
  static NcfEngine create(SparkSession spark, NcfConfig cfg, long seed, String exportDirectory, ComputationGraph initial) {
    if (!cfg.sparseEngine()) {
      return new GraphEngine(spark, cfg, seed, exportDirectory, initial, 0);
    }
    return sparse(spark, cfg, seed, new SparseEngine(cfg, network(cfg, seed, initial), initial), 0);
  }

  /** The sparse engine as configured: in this JVM, or on every worker ({@link DistributedEngine}). */
  private static NcfEngine sparse(SparkSession spark, NcfConfig cfg, long seed, SparseEngine engine, int firstEpoch) {
    if (cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.DISTRIBUTED) {
      return new DistributedEngine(spark, cfg, seed, engine, firstEpoch);
    }
    return engine;
  }

  /** An engine continuing from {@link NcfEngine#checkpoint} bytes, before epoch {@code nextEpoch}. */
  static NcfEngine restore(SparkSession spark, NcfConfig cfg, long seed, String exportDirectory, byte[] checkpoint, int nextEpoch,
      String source) {
    if (!cfg.sparseEngine()) {
      return new GraphEngine(spark, cfg, seed, exportDirectory, NcfCheckpoints.restore(checkpoint, true, source), nextEpoch);
    }
    ComputationGraph[] graph = new ComputationGraph[1];
    SparseNcfNetwork network = restoreNetwork(checkpoint, settings(cfg, seed), kernels(cfg), source, graph);
    return sparse(spark, cfg, seed, new SparseEngine(cfg, network, graph[0]), nextEpoch);
  }

  /**
   * The sparse network of {@link NcfEngine#checkpoint} bytes, with {@code settings}; the restored
   * graph (the parameters' other copy) goes to {@code graph[0]}.
   */
  static SparseNcfNetwork restoreNetwork(byte[] checkpoint, SparseNcfNetwork.Settings settings, EmbeddingKernels.Choice kernels,
      String source, ComputationGraph[] graph) {
    byte[] model = null;
    byte[] optimizer = null;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(checkpoint))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals(MODEL_ENTRY)) {
          model = in.readAllBytes();
        } else if (e.getName().equals(OPTIMIZER_ENTRY)) {
          optimizer = in.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + source, e);
    }
    if (model == null || optimizer == null) {
      throw new IllegalStateException("the checkpoint " + source + " is not a sparse-engine checkpoint (no " + MODEL_ENTRY + " and "
          + OPTIMIZER_ENTRY + "): was it written with models.ncf.engine = graph?");
    }
    graph[0] = NcfCheckpoints.restore(model, false, source);
    SparseNcfNetwork network = new SparseNcfNetwork(graph[0], settings, EmbeddingKernels.of(kernels));
    network.restoreOptimizerState(optimizer);
    return network;
  }

  static byte[] sparseCheckpoint(byte[] model, byte[] optimizer) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream out = new ZipOutputStream(bytes)) {
        out.putNextEntry(new ZipEntry(MODEL_ENTRY));
        out.write(model);
        out.closeEntry();
        out.putNextEntry(new ZipEntry(OPTIMIZER_ENTRY));
        out.write(optimizer);
        out.closeEntry();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SparseNcfNetwork network(NcfConfig cfg, long seed, ComputationGraph graph) {
    return new SparseNcfNetwork(graph, settings(cfg, seed), EmbeddingKernels.of(kernels(cfg)));
  }

  /** The sparse engine's training settings of a configuration; {@code seed} seeds its dropout masks. */
  static SparseNcfNetwork.Settings settings(NcfConfig cfg, long seed) {
    return new SparseNcfNetwork.Settings(cfg.learningRate(), cfg.adamBeta1(), cfg.adamBeta2(), cfg.l2(), cfg.dropout(), seed,
        cfg.sparseAdam() == NcfConfig.SparseAdam.CATCH_UP);
  }

  static EmbeddingKernels.Choice kernels(NcfConfig cfg) {
    return EmbeddingKernels.Choice.valueOf(cfg.kernels().name());
  }
}
