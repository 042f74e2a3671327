package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ModelDefinition;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The three NCF architectures of He et al. (2017) as DL4J ComputationGraphs with two inputs (user
 * index, item index; each a [batch, 1] column) and one sigmoid output trained with binary
 * cross-entropy:
 *
 * <ul>
 *   <li>GMF: element-wise product of a user and an item embedding, then the output layer;
 *   <li>MLP: concatenated user and item embeddings through a ReLU tower;
 *   <li>NeuMF: both, with separate embeddings, concatenated before the output layer.
 * </ul>
 *
 * Vertex names are shared between the models ({@code gmf_user}, {@code mlp_1}, ...), so NeuMF can
 * be initialised from trained GMF and MLP graphs by name (see {@link NcfPretraining}).
 */
public final class NcfGraphs {
  public static final String USER_INPUT = "user";
  public static final String ITEM_INPUT = "item";
  public static final String GMF_USER = "gmf_user";
  public static final String GMF_ITEM = "gmf_item";
  public static final String GMF_PRODUCT = "gmf";
  public static final String MLP_USER = "mlp_user";
  public static final String MLP_ITEM = "mlp_item";
  public static final String MLP_CONCAT = "mlp_concat";
  public static final String FUSED = "fused";
  public static final String OUTPUT = "prediction";

  private NcfGraphs() {}

  /** The MLP's hidden layer vertex names, first to last. */
  public static String mlpLayer(int i) {
    return "mlp_" + (i + 1);
  }

  /** A new, initialised graph of {@code model} (GMF, MLP or NeuMF) for the given catalogue sizes. */
  public static ComputationGraph create(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, long seed) {
    ComputationGraph net = new ComputationGraph(configuration(model, cfg, numUsers, numItems, seed));
    net.init();
    return net;
  }

  static ComputationGraphConfiguration configuration(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, long seed) {
    if (model != ModelDefinition.GMF && model != ModelDefinition.MLP && model != ModelDefinition.NEUMF) {
      throw new IllegalArgumentException("not an NCF model: " + model + " (expected gmf, mlp or neumf)");
    }
    boolean gmf = model != ModelDefinition.MLP;
    boolean mlp = model != ModelDefinition.GMF;
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(cfg.learningRate(), cfg.adamBeta1(), cfg.adamBeta2(), Adam.DEFAULT_ADAM_EPSILON))
        .weightInit(WeightInit.XAVIER);
    if (cfg.l2() > 0) {
      base.l2(cfg.l2());
    }
    ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs(USER_INPUT, ITEM_INPUT);
    int fusedWidth = 0;
    String last = null;
    if (gmf) {
      g.addLayer(GMF_USER, embedding(numUsers, cfg.gmfEmbedding()), USER_INPUT)
          .addLayer(GMF_ITEM, embedding(numItems, cfg.gmfEmbedding()), ITEM_INPUT)
          .addVertex(GMF_PRODUCT, new ElementWiseVertex(ElementWiseVertex.Op.Product), GMF_USER, GMF_ITEM);
      fusedWidth += cfg.gmfEmbedding();
      last = GMF_PRODUCT;
    }
    if (mlp) {
      g.addLayer(MLP_USER, embedding(numUsers, cfg.mlpEmbedding()), USER_INPUT)
          .addLayer(MLP_ITEM, embedding(numItems, cfg.mlpEmbedding()), ITEM_INPUT)
          .addVertex(MLP_CONCAT, new MergeVertex(), MLP_USER, MLP_ITEM);
      int width = 2 * cfg.mlpEmbedding();
      String previous = MLP_CONCAT;
      List<Integer> layers = cfg.mlpLayers();
      for (int i = 0; i < layers.size(); i++) {
        DenseLayer.Builder dense = new DenseLayer.Builder().nIn(width).nOut(layers.get(i)).activation(Activation.RELU);
        if (cfg.dropout() > 0) {
          dense.dropOut(1.0 - cfg.dropout()); // DL4J takes the retain probability
        }
        g.addLayer(mlpLayer(i), dense.build(), previous);
        previous = mlpLayer(i);
        width = layers.get(i);
      }
      fusedWidth += width;
      last = previous;
    }
    if (gmf && mlp) {
      g.addVertex(FUSED, new MergeVertex(), GMF_PRODUCT, last);
      last = FUSED;
    }
    g.addLayer(OUTPUT, new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
            .nIn(fusedWidth).nOut(1).activation(Activation.SIGMOID).weightInit(WeightInit.LECUN_UNIFORM).build(), last)
        .setOutputs(OUTPUT);
    // No setInputTypes: it would overwrite the embeddings' nIn (the catalogue size) with 1.
    return g.build();
  }

  /** An embedding lookup with identity activation (DL4J's default would be sigmoid) and N(0, 0.01) init. */
  private static EmbeddingLayer embedding(int rows, int size) {
    return new EmbeddingLayer.Builder().nIn(rows).nOut(size).activation(Activation.IDENTITY)
        .weightInit(new NormalDistribution(0, 0.01)).hasBias(false).build();
  }
}
