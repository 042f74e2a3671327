package dev.ncfspark.models.ncf;

import dev.ncfspark.models.ncf.engine.BulkArrays;
import dev.ncfspark.models.ncf.engine.EmbeddingKernels;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sparse engine's model as the distributed engine broadcasts it to its workers every epoch:
 * the graph's configuration (JSON), its parameters and the optimizer state as blocks of floats,
 * uncompressed. The same content as a checkpoint ({@link NcfEngines#sparseCheckpoint}), without
 * its two costs that the workers would pay every epoch: DL4J's zip deflates 50 MB of floats at
 * ML-20M size (1.2-1.6 s in the driver) and reads them back a value at a time (0.3 s a worker).
 * Never written to disk: a checkpoint's graph stays in DL4J's zip, which other tools read (its
 * optimizer state is written in the same blocks of floats).
 */
final class ShippedModel {
  private static final String FORMAT = "ncf-sparse-shipped-1";

  private ShippedModel() {}

  /** {@code graph}'s configuration and parameters with {@code optimizerState} ({@link SparseNcfNetwork#optimizerState}). */
  static byte[] of(ComputationGraph graph, byte[] optimizerState) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(4 * graph.numParams() + optimizerState.length + (1 << 16)));
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(FORMAT);
      byte[] json = graph.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8);
      out.writeInt(json.length);
      out.write(json);
      BulkArrays.writeFloats(out, graph.params());
      out.writeInt(optimizerState.length);
      out.write(optimizerState);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The network {@link #of} shipped, with {@code settings}. */
  static SparseNcfNetwork restore(byte[] shipped, SparseNcfNetwork.Settings settings, EmbeddingKernels.Choice kernels) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(shipped))) {
      String format = in.readUTF();
      if (!format.equals(FORMAT)) {
        throw new IllegalArgumentException("not a shipped sparse NCF model: " + format);
      }
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(new String(json, StandardCharsets.UTF_8)));
      float[] params = BulkArrays.readFloats(in, -1, "the shipped parameters");
      graph.init(Nd4j.create(params, new long[] {1, params.length}, 'c'), false);
      byte[] optimizer = new byte[in.readInt()];
      in.readFully(optimizer);
      SparseNcfNetwork network = new SparseNcfNetwork(graph, settings, EmbeddingKernels.of(kernels));
      network.restoreOptimizerState(optimizer);
      return network;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped model", e);
    }
  }
}
