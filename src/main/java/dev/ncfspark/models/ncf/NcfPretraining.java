package dev.ncfspark.models.ncf;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The NCF paper's pre-training: NeuMF starts from a trained GMF and a trained MLP. Embeddings and
 * the MLP tower are copied as they are; the fused output layer gets {@code alpha} times GMF's
 * output weights and {@code 1 - alpha} times MLP's (and the same mix of their biases).
 */
public final class NcfPretraining {
  private NcfPretraining() {}

  public static void initialise(ComputationGraph neumf, ComputationGraph gmf, ComputationGraph mlp, double alpha) {
    Map<String, INDArray> target = neumf.paramTable();
    for (Map.Entry<String, INDArray> e : target.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(NcfGraphs.OUTPUT + "_")) {
        continue;
      }
      ComputationGraph source = key.startsWith("gmf_") ? gmf : mlp;
      INDArray value = source.getParam(key);
      if (value == null || !java.util.Arrays.equals(value.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException("cannot pre-train NeuMF: parameter " + key + " differs in the trained "
            + (source == gmf ? "GMF" : "MLP") + " (same architecture settings needed)");
      }
      neumf.setParam(key, value.dup());
    }
    String w = NcfGraphs.OUTPUT + "_W";
    String b = NcfGraphs.OUTPUT + "_b";
    INDArray weights = Nd4j.vstack(gmf.getParam(w).mul(alpha), mlp.getParam(w).mul(1 - alpha));
    neumf.setParam(w, weights.reshape(neumf.getParam(w).shape()));
    neumf.setParam(b, gmf.getParam(b).mul(alpha).add(mlp.getParam(b).mul(1 - alpha)));
  }
}
