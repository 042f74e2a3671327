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
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 *
 * <p>Two models add side information ({@link SideInputs}): the item features (and the users'
 * demographics) are frozen embedding tables of the graph ({@code item_features}, {@code
 * user_features}: looked up by the same index inputs, never trained), so a trained model is one
 * self-contained graph that scores, saves and ships like the others.
 *
 * <ul>
 *   <li>VBPR (He &amp; McAuley, AAAI 2016): GMF whose item side is the item's own factors next to
 *       its features projected by a dense layer without bias (E), the user side as wide ({@code
 *       gmf_user} = [gamma_u ; theta_u]), plus an item bias and a feature bias (beta' . f_i), all
 *       into the output layer;
 *   <li>NeuMF with features: NeuMF whose MLP tower takes, next to the two embeddings, the item's
 *       features and the user's demographics, each through a dense layer (identity activation).
 * </ul>
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
  /** Side information (frozen tables) and the layers that read it. */
  public static final String ITEM_FEATURES = "item_features";
  public static final String USER_FEATURES = "user_features";
  public static final String FEATURE_PROJECTION = "feature_projection";
  public static final String GMF_ITEM_WITH_FEATURES = "gmf_item_with_features";
  public static final String ITEM_BIAS = "item_bias";
  public static final String FEATURE_BIAS = "feature_bias";
  public static final String ITEM_PROJECTION = "item_projection";
  public static final String USER_PROJECTION = "user_projection";

  /**
   * The side inputs of vbpr and neumf-features: the item feature matrix (row k = dense item k),
   * the width it is projected to, the users' demographics matrix (row k = dense user k; null
   * without), the width they are projected to, and VBPR's collaborative factors (gamma).
   */
  public record SideInputs(INDArray itemFeatures, int itemProjection, INDArray userFeatures, int userProjection, int factors) {
    public SideInputs {
      if (itemFeatures == null || itemFeatures.rank() != 2 || itemProjection < 1) {
        throw new IllegalArgumentException("side inputs need an item feature matrix and a projection width");
      }
    }

    int itemWidth() {
      return (int) itemFeatures.columns();
    }

    int userWidth() {
      return userFeatures == null ? 0 : (int) userFeatures.columns();
    }
  }

  private NcfGraphs() {}

  /** The MLP's hidden layer vertex names, first to last. */
  public static String mlpLayer(int i) {
    return "mlp_" + (i + 1);
  }

  /** A new, initialised graph of {@code model} (GMF, MLP or NeuMF) for the given catalogue sizes. */
  public static ComputationGraph create(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, long seed) {
    return create(model, cfg, numUsers, numItems, null, seed);
  }

  /**
   * A new, initialised graph of {@code model}: GMF, MLP or NeuMF ({@code side} null), or vbpr and
   * neumf-features with their {@code side} inputs, whose matrices become the frozen tables.
   */
  public static ComputationGraph create(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, SideInputs side, long seed) {
    boolean usesSide = model.needs().contains(ModelDefinition.Need.ITEM_FEATURES);
    if (usesSide != (side != null)) {
      throw new IllegalArgumentException(model + (usesSide ? " needs" : " takes no") + " side inputs");
    }
    ComputationGraph net = new ComputationGraph(configuration(model, cfg, numUsers, numItems, side, seed));
    net.init();
    if (side != null) {
      assignFrozen(net, ITEM_FEATURES, side.itemFeatures(), numItems);
      if (net.getConfiguration().getVertices().containsKey(USER_FEATURES)) {
        assignFrozen(net, USER_FEATURES, side.userFeatures(), numUsers);
      }
    }
    return net;
  }

  private static void assignFrozen(ComputationGraph net, String layer, INDArray values, int rows) {
    if (values.rows() != rows) {
      throw new IllegalArgumentException(layer + ": " + values.rows() + " rows where the index has " + rows);
    }
    net.getParam(layer + "_W").assign(values);
  }

  static ComputationGraphConfiguration configuration(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, long seed) {
    return configuration(model, cfg, numUsers, numItems, null, seed);
  }

  static ComputationGraphConfiguration configuration(ModelDefinition model, NcfConfig cfg, int numUsers, int numItems, SideInputs side,
      long seed) {
    if (!model.trainedByTrainStage()) {
      throw new IllegalArgumentException("not an NCF model: " + model + " (expected gmf, mlp, neumf, vbpr or neumf-features)");
    }
    boolean gmf = model != ModelDefinition.MLP;
    boolean mlp = model != ModelDefinition.GMF && model != ModelDefinition.VBPR;
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
    if (side != null) {
      g.addLayer(ITEM_FEATURES, frozen(embedding(numItems, side.itemWidth())), ITEM_INPUT);
    }
    if (model == ModelDefinition.VBPR) {
      int projected = side.itemProjection();
      g.addLayer(GMF_USER, embedding(numUsers, side.factors() + projected), USER_INPUT)
          .addLayer(GMF_ITEM, embedding(numItems, side.factors()), ITEM_INPUT)
          .addLayer(FEATURE_PROJECTION, projection(side.itemWidth(), projected, false), ITEM_FEATURES)
          .addVertex(GMF_ITEM_WITH_FEATURES, new MergeVertex(), GMF_ITEM, FEATURE_PROJECTION)
          .addVertex(GMF_PRODUCT, new ElementWiseVertex(ElementWiseVertex.Op.Product), GMF_USER, GMF_ITEM_WITH_FEATURES)
          .addLayer(ITEM_BIAS, embedding(numItems, 1), ITEM_INPUT)
          .addLayer(FEATURE_BIAS, projection(side.itemWidth(), 1, false), ITEM_FEATURES)
          .addVertex(FUSED, new MergeVertex(), GMF_PRODUCT, ITEM_BIAS, FEATURE_BIAS);
      fusedWidth = side.factors() + projected + 2;
      last = FUSED;
      gmf = false;
    }
    if (gmf) {
      g.addLayer(GMF_USER, embedding(numUsers, cfg.gmfEmbedding()), USER_INPUT)
          .addLayer(GMF_ITEM, embedding(numItems, cfg.gmfEmbedding()), ITEM_INPUT)
          .addVertex(GMF_PRODUCT, new ElementWiseVertex(ElementWiseVertex.Op.Product), GMF_USER, GMF_ITEM);
      fusedWidth += cfg.gmfEmbedding();
      last = GMF_PRODUCT;
    }
    if (mlp) {
      g.addLayer(MLP_USER, embedding(numUsers, cfg.mlpEmbedding()), USER_INPUT)
          .addLayer(MLP_ITEM, embedding(numItems, cfg.mlpEmbedding()), ITEM_INPUT);
      int width = 2 * cfg.mlpEmbedding();
      List<String> concat = new java.util.ArrayList<>(List.of(MLP_USER, MLP_ITEM));
      if (side != null) {
        g.addLayer(ITEM_PROJECTION, projection(side.itemWidth(), side.itemProjection(), true), ITEM_FEATURES);
        concat.add(ITEM_PROJECTION);
        width += side.itemProjection();
        if (side.userWidth() > 0) {
          g.addLayer(USER_FEATURES, frozen(embedding(numUsers, side.userWidth())), USER_INPUT)
              .addLayer(USER_PROJECTION, projection(side.userWidth(), side.userProjection(), true), USER_FEATURES);
          concat.add(USER_PROJECTION);
          width += side.userProjection();
        }
      }
      g.addVertex(MLP_CONCAT, new MergeVertex(), concat.toArray(String[]::new));
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

  /** A dense layer with identity activation, Xavier-initialised (a projection of side features). */
  private static DenseLayer projection(int in, int out, boolean bias) {
    return new DenseLayer.Builder().nIn(in).nOut(out).activation(Activation.IDENTITY).hasBias(bias).build();
  }

  /** A layer whose parameters never train (DL4J's FrozenLayer: no update, no regularisation; nothing below it to backpropagate to). */
  private static org.deeplearning4j.nn.conf.layers.Layer frozen(EmbeddingLayer layer) {
    return new FrozenLayer(layer);
  }

  /** An embedding lookup with identity activation (DL4J's default would be sigmoid) and N(0, 0.01) init. */
  private static EmbeddingLayer embedding(int rows, int size) {
    return new EmbeddingLayer.Builder().nIn(rows).nOut(size).activation(Activation.IDENTITY)
        .weightInit(new NormalDistribution(0, 0.01)).hasBias(false).build();
  }
}
