package dev.ncfspark.models.ncf.engine;

import dev.ncfspark.models.ncf.NcfGraphs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * GMF, MLP or NeuMF trained with sparse embedding updates: a step costs what the minibatch's
 * rows and the dense layers cost, never the size of the embedding tables. Embedding rows are
 * gathered once per minibatch, their gradients summed per distinct row and applied with lazy
 * Adam ({@link EmbeddingKernels}); the MLP tower and the output layer run as ND4J matrix
 * multiplies with dense Adam (DL4J's {@link AdamUpdater}) over one flat parameter vector, so the
 * step is a few dozen ND4J calls whatever the table sizes, and runs on any ND4J backend.
 *
 * <p>The architecture, parameter names and initial values come from a DL4J graph of
 * {@link NcfGraphs} (so pre-training and initialisation stay where they are), and the trained
 * parameters go back into such a graph ({@link #copyTo}) for scoring, saving and export. The
 * mathematics is DL4J's: mean binary cross-entropy on a sigmoid output, L2 added to weight
 * gradients (not biases) before Adam, inverted dropout on each hidden layer's input.
 *
 * <p>The side-information models of {@link NcfGraphs} (VBPR, NeuMF with features) run here too:
 * their feature tables are gathered like embeddings but never updated, their projections are
 * dense layers (in the flat parameters, dense Adam), VBPR's item bias is one more item table.
 */
public final class SparseNcfNetwork {
  private static final double EPSILON = 1e-8;

  /**
   * Training settings. {@code dropout}: drop probability on the MLP layers' inputs; {@code seed}:
   * of the dropout masks; {@code catchUp}: embedding rows also make dense Adam's moves for the
   * steps that did not touch them ({@link AdamCatchUp}), else lazy Adam (only touched rows move).
   */
  public record Settings(double learningRate, double beta1, double beta2, double l2, double dropout, long seed, boolean catchUp)
      implements java.io.Serializable {
    /** Adam's usual decays (0.9, 0.999), lazy. */
    public static Settings adam(double learningRate, double l2, double dropout, long seed) {
      return new Settings(learningRate, 0.9, 0.999, l2, dropout, seed, false);
    }
  }

  private final Settings settings;
  private final EmbeddingKernels kernels;
  private final EmbeddingTable gmfUser;
  private final EmbeddingTable gmfItem;
  private final EmbeddingTable mlpUser;
  private final EmbeddingTable mlpItem;
  /** Side information: frozen feature tables (null without), VBPR's item bias table. */
  private final EmbeddingTable itemFeatures;
  private final EmbeddingTable userFeatures;
  private final EmbeddingTable itemBias;
  /** The trainable tables of each side, in a fixed order (merges, catch-up, optimizer state). */
  private final EmbeddingTable[] userSide;
  private final EmbeddingTable[] itemSide;
  /** Width of the item's own GMF factors (gmfWidth minus VBPR's projected features). */
  private final int gmfItemWidth;
  /** VBPR's feature projection E [d x (gmfWidth - gmfItemWidth)] and feature bias beta' [d x 1] (null without). */
  private final INDArray featureProjection;
  private final INDArray featureProjectionGrad;
  private final INDArray featureBias;
  private final INDArray featureBiasGrad;
  /** NeuMF-with-features' projections into the MLP input (null without). */
  private final Projection itemProjection;
  private final Projection userProjection;
  private final RowGroups userRows;
  private final RowGroups itemRows;
  private final int gmfWidth;
  private final int mlpWidth;
  private final int[] layerIn;
  private final int[] layerOut;
  private final INDArray params;
  private final INDArray grads;
  private final INDArray[] weights;
  private final INDArray[] biases;
  private final INDArray[] weightGrads;
  private final INDArray[] biasGrads;
  private final INDArray outGmf;
  private final INDArray outMlp;
  /** The output weights of VBPR's item bias and feature bias columns (null without). */
  private final INDArray outItemBias;
  private final INDArray outFeatureBias;
  /** Every output weight (GMF, MLP, biases' columns), for L2. */
  private final INDArray outWeights;
  private final INDArray outBias;
  private final INDArray outGmfGrad;
  private final INDArray outMlpGrad;
  private final INDArray outItemBiasGrad;
  private final INDArray outFeatureBiasGrad;
  private final INDArray outWeightsGrad;
  private final INDArray outBiasGrad;
  private final INDArray denseState;
  private final AdamUpdater denseAdam;
  private final Random dropoutRandom;
  private final Map<Integer, Activations> activations = new LinkedHashMap<>();
  private final AdamCatchUp catchUp;
  /** Steps each user (item) row has been brought through, with catch-up (the GMF and MLP tables of a side move together). */
  private final int[] userApplied;
  private final int[] itemApplied;
  private final AdamCatchUp.Scalars userScalars = new AdamCatchUp.Scalars();
  private final AdamCatchUp.Scalars itemScalars = new AdamCatchUp.Scalars();
  private long iteration;
  /** Rows touched since {@link #startRound} (null outside a round). */
  private boolean[] userTouched;
  private boolean[] itemTouched;
  private long roundStart;

  /** A network with {@code graph}'s architecture and current parameters. */
  public SparseNcfNetwork(ComputationGraph graph, Settings settings, EmbeddingKernels kernels) {
    this.settings = settings;
    this.kernels = kernels;
    Map<String, INDArray> p = graph.paramTable();
    gmfUser = table(p, NcfGraphs.GMF_USER);
    gmfItem = table(p, NcfGraphs.GMF_ITEM);
    mlpUser = table(p, NcfGraphs.MLP_USER);
    mlpItem = table(p, NcfGraphs.MLP_ITEM);
    itemFeatures = table(p, NcfGraphs.ITEM_FEATURES);
    userFeatures = table(p, NcfGraphs.USER_FEATURES);
    itemBias = table(p, NcfGraphs.ITEM_BIAS);
    userSide = present(gmfUser, mlpUser);
    itemSide = present(gmfItem, mlpItem, itemBias);
    EmbeddingTable anyUser = userSide[0];
    EmbeddingTable anyItem = itemSide[0];
    userRows = new RowGroups(anyUser.rows());
    itemRows = new RowGroups(anyItem.rows());
    gmfWidth = gmfUser == null ? 0 : gmfUser.width();
    gmfItemWidth = gmfItem == null ? 0 : gmfItem.width();
    mlpWidth = mlpUser == null ? 0 : mlpUser.width();
    int layers = 0;
    while (mlpUser != null && p.containsKey(NcfGraphs.mlpLayer(layers) + "_W")) {
      layers++;
    }
    layerIn = new int[layers];
    layerOut = new int[layers];
    long size = 0;
    for (int i = 0; i < layers; i++) {
      long[] shape = p.get(NcfGraphs.mlpLayer(i) + "_W").shape();
      layerIn[i] = (int) shape[0];
      layerOut[i] = (int) shape[1];
      size += shape[0] * shape[1] + shape[1];
    }
    int featureWidth = itemFeatures == null ? 0 : itemFeatures.width();
    int projectedWidth = gmfWidth - gmfItemWidth;
    boolean hasFeatureBias = p.containsKey(NcfGraphs.FEATURE_BIAS + "_W");
    size += (long) featureWidth * projectedWidth + (hasFeatureBias ? featureWidth : 0);
    long[] itemProjShape = shape(p, NcfGraphs.ITEM_PROJECTION);
    long[] userProjShape = shape(p, NcfGraphs.USER_PROJECTION);
    size += Projection.size(itemProjShape) + Projection.size(userProjShape);
    int biasColumns = (itemBias != null ? 1 : 0) + (hasFeatureBias ? 1 : 0);
    int fused = gmfWidth + (layers > 0 ? layerOut[layers - 1] : 0) + biasColumns;
    size += fused + 1;
    params = Nd4j.zeros(DataType.FLOAT, size);
    grads = Nd4j.zeros(DataType.FLOAT, size);
    weights = new INDArray[layers];
    biases = new INDArray[layers];
    weightGrads = new INDArray[layers];
    biasGrads = new INDArray[layers];
    long at = 0;
    for (int i = 0; i < layers; i++) {
      weights[i] = view(params, at, layerIn[i], layerOut[i]);
      weightGrads[i] = view(grads, at, layerIn[i], layerOut[i]);
      at += (long) layerIn[i] * layerOut[i];
      biases[i] = view(params, at, 1, layerOut[i]);
      biasGrads[i] = view(grads, at, 1, layerOut[i]);
      at += layerOut[i];
    }
    if (projectedWidth > 0) {
      featureProjection = view(params, at, featureWidth, projectedWidth);
      featureProjectionGrad = view(grads, at, featureWidth, projectedWidth);
      at += (long) featureWidth * projectedWidth;
    } else {
      featureProjection = null;
      featureProjectionGrad = null;
    }
    if (hasFeatureBias) {
      featureBias = view(params, at, featureWidth, 1);
      featureBiasGrad = view(grads, at, featureWidth, 1);
      at += featureWidth;
    } else {
      featureBias = null;
      featureBiasGrad = null;
    }
    itemProjection = itemProjShape == null ? null : new Projection(params, grads, at, itemProjShape);
    at += Projection.size(itemProjShape);
    userProjection = userProjShape == null ? null : new Projection(params, grads, at, userProjShape);
    at += Projection.size(userProjShape);
    outWeights = view(params, at, fused, 1);
    outWeightsGrad = view(grads, at, fused, 1);
    outGmf = gmfWidth > 0 ? view(params, at, gmfWidth, 1) : null;
    outGmfGrad = gmfWidth > 0 ? view(grads, at, gmfWidth, 1) : null;
    at += gmfWidth;
    int mlpOut = fused - gmfWidth - biasColumns;
    outMlp = mlpOut > 0 ? view(params, at, mlpOut, 1) : null;
    outMlpGrad = mlpOut > 0 ? view(grads, at, mlpOut, 1) : null;
    at += mlpOut;
    outItemBias = itemBias != null ? view(params, at, 1, 1) : null;
    outItemBiasGrad = itemBias != null ? view(grads, at, 1, 1) : null;
    at += itemBias != null ? 1 : 0;
    outFeatureBias = hasFeatureBias ? view(params, at, 1, 1) : null;
    outFeatureBiasGrad = hasFeatureBias ? view(grads, at, 1, 1) : null;
    at += hasFeatureBias ? 1 : 0;
    outBias = view(params, at, 1, 1);
    outBiasGrad = view(grads, at, 1, 1);
    copyDenseFrom(graph);
    denseState = Nd4j.zeros(DataType.FLOAT, 1, 2 * size);
    denseAdam = new AdamUpdater(new Adam(settings.learningRate(), settings.beta1(), settings.beta2(), EPSILON));
    denseAdam.setStateViewArray(denseState, new long[] {size}, 'c', true);
    dropoutRandom = Nd4j.getRandomFactory().getNewRandomInstance(settings.seed());
    catchUp = settings.catchUp() ? new AdamCatchUp(settings.learningRate(), settings.beta1(), settings.beta2()) : null;
    userApplied = settings.catchUp() ? new int[anyUser.rows()] : null;
    itemApplied = settings.catchUp() ? new int[anyItem.rows()] : null;
  }

  /** A network that only predicts, over {@code graph}'s embedding tables (shared) and a copy of its dense layers. */
  public static SparseNcfNetwork forScoring(ComputationGraph graph) {
    // no learning rate, no optimizer state
    return new SparseNcfNetwork(graph, Settings.adam(0, 0, 0, 0), EmbeddingKernels.of(EmbeddingKernels.Choice.AUTO));
  }

  private static EmbeddingTable[] present(EmbeddingTable... tables) {
    return Arrays.stream(tables).filter(java.util.Objects::nonNull).toArray(EmbeddingTable[]::new);
  }

  private static long[] shape(Map<String, INDArray> p, String layer) {
    INDArray w = p.get(layer + "_W");
    return w == null ? null : w.shape();
  }

  /** A dense layer with identity activation over a block of the flat parameters: W [in x out], then b [1 x out]. */
  private static final class Projection {
    final INDArray w;
    final INDArray b;
    final INDArray wGrad;
    final INDArray bGrad;

    Projection(INDArray params, INDArray grads, long at, long[] shape) {
      w = view(params, at, shape[0], shape[1]);
      wGrad = view(grads, at, shape[0], shape[1]);
      b = view(params, at + shape[0] * shape[1], 1, shape[1]);
      bGrad = view(grads, at + shape[0] * shape[1], 1, shape[1]);
    }

    static long size(long[] shape) {
      return shape == null ? 0 : shape[0] * shape[1] + shape[1];
    }

    int in() {
      return (int) w.rows();
    }

    int out() {
      return (int) w.columns();
    }
  }

  private static EmbeddingTable table(Map<String, INDArray> p, String layer) {
    INDArray w = p.get(layer + "_W");
    return w == null ? null : new EmbeddingTable(layer, w);
  }

  private static INDArray view(INDArray flat, long offset, long rows, long cols) {
    INDArray v = flat.get(NDArrayIndex.interval(offset, offset + rows * cols)).reshape('c', rows, cols);
    if (!v.isView() && rows * cols != flat.length()) {
      throw new IllegalStateException("a parameter block is not a view of the flat parameters");
    }
    return v;
  }

  /** Optimizer steps taken (DL4J's iteration count). */
  public long iteration() {
    return iteration;
  }

  /** Parameters in all, embedding tables included. */
  public long numParams() {
    long n = params.length();
    for (EmbeddingTable t : tables()) {
      n += t.weights().length();
    }
    for (EmbeddingTable t : present(itemFeatures, userFeatures)) {
      n += t.weights().length();
    }
    return n;
  }

  /** One optimizer step on the first {@code n} examples of the arrays. */
  public void fit(int[] users, int[] items, float[] labels, int n) {
    if (n == 0) {
      return;
    }
    userRows.assign(users, n);
    itemRows.assign(items, n);
    if (catchUp != null) {
      // the minibatch's rows as dense Adam has them at this step, before the forward pass reads them
      catchUp(userRows.rows(), userRows.count(), userApplied, userScalars, userSide);
      catchUp(itemRows.rows(), itemRows.count(), itemApplied, itemScalars, itemSide);
    }
    Activations a = activations(n);
    forward(a, users, items, true);
    a.labels.assign(Nd4j.create(n == labels.length ? labels : Arrays.copyOf(labels, n), new long[] {n, 1}, 'c'));
    backward(a);
    denseAdam.applyUpdater(grads, (int) iteration, 0);
    params.subi(grads);
    AdamStep step = AdamStep.of(settings.learningRate(), settings.beta1(), settings.beta2(), EPSILON, settings.l2(), iteration);
    if (gmfUser != null) {
      kernels.update(gmfUser, userRows, a.dUserGmf, 0, step);
      kernels.update(gmfItem, itemRows, a.dItemGmf, 0, step);
    }
    if (mlpUser != null) {
      kernels.update(mlpUser, userRows, a.dInput[0], 0, step);
      kernels.update(mlpItem, itemRows, a.dInput[0], mlpWidth, step);
    }
    if (itemBias != null) {
      kernels.update(itemBias, itemRows, a.dItemBias, 0, step);
    }
    iteration++;
    if (catchUp != null) {
      markApplied(userRows, userApplied);
      markApplied(itemRows, itemApplied);
    }
    if (userTouched != null) {
      markTouched(userRows, userTouched);
      markTouched(itemRows, itemTouched);
    }
  }

  private static void markTouched(RowGroups groups, boolean[] touched) {
    int[] rows = groups.rows();
    for (int s = 0; s < groups.count(); s++) {
      touched[rows[s]] = true;
    }
  }

  /**
   * Starts recording the rows the following steps touch: one round of data-parallel training. With {@code keepUsers} the user rows touched since the previous {@code
   * startRound(false)} stay recorded (a worker that owns its users reports them once, at the end
   * of its epoch, while its item rows are merged every round).
   */
  public void startRound(boolean keepUsers) {
    roundStart = iteration;
    if (!keepUsers || userTouched == null) {
      userTouched = new boolean[userSide[0].rows()];
    }
    itemTouched = new boolean[itemSide[0].rows()];
  }

  /** What the steps since {@link #startRound} changed, for {@link #merge}; the user rows only with {@code withUsers} (none otherwise). */
  public RoundUpdate roundUpdate(boolean withUsers) {
    if (userTouched == null) {
      throw new IllegalStateException("no round was started");
    }
    RoundUpdate.Rows users = withUsers ? RoundRows.of(userTouched, userApplied, userSide) : RoundRows.none();
    return new RoundUpdate(iteration - roundStart, users, RoundRows.of(itemTouched, itemApplied, itemSide),
        params.data().asFloat(), denseState.data().asFloat());
  }

  /**
   * The state every worker shares after a merge: the item rows any worker touched in the round
   * (their merged weights, moments and catch-up steps), the dense layers, their Adam state and
   * the step count; {@link #applySync} makes a worker's copy equal to the merged model on all but
   * the user rows, which each worker owns.
   */
  public RoundSync sync(List<RoundUpdate> rounds) {
    boolean[] touched = new boolean[itemSide[0].rows()];
    for (RoundUpdate u : rounds) {
      for (int r : u.items().rows()) {
        touched[r] = true;
      }
    }
    return new RoundSync(iteration, RoundRows.of(touched, itemApplied, itemSide), params.data().asFloat(),
        denseState.data().asFloat());
  }

  /** Overwrites this network's shared state with a merge's ({@link #sync}). */
  public void applySync(RoundSync sync) {
    RoundRows.overwrite(sync.items(), itemApplied, itemSide);
    params.assign(Nd4j.create(sync.dense(), params.shape(), 'c'));
    denseState.assign(Nd4j.create(sync.denseState(), denseState.shape(), 'c'));
    iteration = sync.iteration();
  }

  /**
   * Merges the rounds of workers that all started from this network's current state, in the
   * order given. An embedding row's weights become the sum of the moves of the workers that
   * touched it ({@code sumDeltas}) or their mean, its moments their mean; untouched rows keep
   * their values. The dense layers combine the same way over all workers, their Adam state as
   * the mean. The step count advances by all the workers' steps (sum: the steps were made, as
   * if one after the other) or by the longest round (mean).
   */
  public void merge(List<RoundUpdate> rounds, boolean sumDeltas) {
    if (rounds.isEmpty()) {
      return;
    }
    RoundRows.merge(rounds.stream().map(RoundUpdate::users).toList(), sumDeltas, userApplied, userSide);
    RoundRows.merge(rounds.stream().map(RoundUpdate::items).toList(), sumDeltas, itemApplied, itemSide);
    float[] base = sumDeltas ? params.data().asFloat() : null;
    params.assign(Nd4j.create(RoundRows.combine(rounds.stream().map(RoundUpdate::dense).toList(), base), params.shape(), 'c'));
    denseState.assign(Nd4j.create(RoundRows.combine(rounds.stream().map(RoundUpdate::denseState).toList(), null), denseState.shape(), 'c'));
    iteration += sumDeltas ? rounds.stream().mapToLong(RoundUpdate::steps).sum() : rounds.stream().mapToLong(RoundUpdate::steps).max().orElse(0);
  }

  /** Brings rows {@code rows[0..n)} of a side's tables through the steps they missed, up to this step. */
  private void catchUp(int[] rows, int n, int[] applied, AdamCatchUp.Scalars scalars, EmbeddingTable[] side) {
    catchUp.scalars(rows, n, applied, iteration, scalars);
    for (EmbeddingTable t : side) {
      kernels.catchUp(t, rows, n, scalars, EPSILON);
    }
    int steps = Math.toIntExact(iteration);
    for (int s = 0; s < n; s++) {
      applied[rows[s]] = steps;
    }
  }

  private void markApplied(RowGroups groups, int[] applied) {
    int[] rows = groups.rows();
    int steps = Math.toIntExact(iteration);
    for (int s = 0; s < groups.count(); s++) {
      applied[rows[s]] = steps;
    }
  }

  /**
   * With catch-up, brings every embedding row through the steps it has missed, so that the
   * parameters are dense Adam's at this step (before scoring or saving them); nothing otherwise.
   */
  public void catchUpAll() {
    if (catchUp == null) {
      return;
    }
    catchUpSide(userApplied, userSide);
    catchUpSide(itemApplied, itemSide);
  }

  private void catchUpSide(int[] applied, EmbeddingTable[] side) {
    int steps = Math.toIntExact(iteration);
    int chunk = 65_536;
    int[] rows = new int[chunk];
    AdamCatchUp.Scalars scalars = new AdamCatchUp.Scalars();
    int n = 0;
    for (int row = 0; row <= applied.length; row++) {
      if (row < applied.length && applied[row] < steps) {
        rows[n++] = row;
      }
      if (n == chunk || (row == applied.length && n > 0)) {
        catchUp(rows, n, applied, scalars, side);
        n = 0;
      }
    }
  }


  /** Predicted probabilities of the first {@code n} pairs (no dropout). */
  public float[] predict(int[] users, int[] items, int n) {
    Activations a = activations(n);
    forward(a, users, items, false);
    return a.prediction.dup().data().asFloat();
  }

  private void forward(Activations a, int[] users, int[] items, boolean training) {
    int n = a.n;
    boolean hasGmf = gmfUser != null;
    if (itemFeatures != null) {
      kernels.gather(itemFeatures, items, n, a.itemFeatures, 0);
    }
    if (hasGmf) {
      kernels.gather(gmfUser, users, n, a.userGmf, 0);
      kernels.gather(gmfItem, items, n, a.itemGmf, 0);
      if (featureProjection != null) {
        // VBPR: the item side's last columns are its features projected by E
        Nd4j.gemm(a.itemFeatures, featureProjection, a.projected, false, false, 1.0, 0.0);
        a.itemGmf.get(NDArrayIndex.all(), NDArrayIndex.interval(gmfItemWidth, gmfWidth)).assign(a.projected);
      }
      a.userGmf.mul(a.itemGmf, a.product);
      Nd4j.gemm(a.product, outGmf, a.prediction, false, false, 1.0, 0.0);
    }
    if (mlpUser != null) {
      kernels.gather(mlpUser, users, n, a.input[0], 0);
      kernels.gather(mlpItem, items, n, a.input[0], mlpWidth);
      int column = 2 * mlpWidth;
      if (itemProjection != null) {
        project(itemProjection, a.itemFeatures, a.itemProjected, a.input[0], column);
        column += itemProjection.out();
      }
      if (userProjection != null) {
        kernels.gather(userFeatures, users, n, a.userFeatures, 0);
        project(userProjection, a.userFeatures, a.userProjected, a.input[0], column);
      }
      for (int i = 0; i < layerIn.length; i++) {
        INDArray in = a.input[i];
        if (training && settings.dropout() > 0) {
          double retain = 1 - settings.dropout();
          dropoutRandom.setSeed(settings.seed() * 1_000_003L + iteration * 31 + i);
          Nd4j.getExecutioner().exec(new BernoulliDistribution(a.mask[i], retain), dropoutRandom);
          a.mask[i].divi(retain);
          in.muli(a.mask[i]);
        } else if (a.mask[i] != null) {
          a.mask[i].assign(1.0);
        }
        INDArray h = i + 1 < layerIn.length ? a.input[i + 1] : a.top;
        Nd4j.gemm(in, weights[i], h, false, false, 1.0, 0.0);
        h.addiRowVector(biases[i]);
        Transforms.relu(h, false);
      }
      Nd4j.gemm(a.top, outMlp, a.prediction, false, false, 1.0, hasGmf ? 1.0 : 0.0);
    }
    if (itemBias != null) {
      kernels.gather(itemBias, items, n, a.itemBias, 0);
      Nd4j.gemm(a.itemBias, outItemBias, a.prediction, false, false, 1.0, 1.0);
    }
    if (featureBias != null) {
      Nd4j.gemm(a.itemFeatures, featureBias, a.featureBias, false, false, 1.0, 0.0);
      Nd4j.gemm(a.featureBias, outFeatureBias, a.prediction, false, false, 1.0, 1.0);
    }
    a.prediction.addi(outBias.getDouble(0));
    Transforms.sigmoid(a.prediction, false);
  }

  /** {@code out} columns from {@code column}: the features times W plus b. */
  private static void project(Projection p, INDArray features, INDArray projected, INDArray out, int column) {
    Nd4j.gemm(features, p.w, projected, false, false, 1.0, 0.0);
    projected.addiRowVector(p.b);
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + p.out())).assign(projected);
  }

  /** The projection's gradients from the columns of {@code dOut} it fed. */
  private static void projectBack(Projection p, INDArray features, INDArray dProjected, INDArray dOut, int column, INDArray ones) {
    dProjected.assign(dOut.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + p.out())));
    Nd4j.gemm(features, dProjected, p.wGrad, true, false, 1.0, 0.0);
    Nd4j.gemm(ones, dProjected, p.bGrad, false, false, 1.0, 0.0);
  }

  private void backward(Activations a) {
    int n = a.n;
    a.prediction.sub(a.labels, a.dLogit).divi(n);
    Nd4j.gemm(a.ones, a.dLogit, outBiasGrad, false, false, 1.0, 0.0);
    if (itemBias != null) {
      Nd4j.gemm(a.itemBias, a.dLogit, outItemBiasGrad, true, false, 1.0, 0.0);
      Nd4j.gemm(a.dLogit, outItemBias, a.dItemBias, false, true, 1.0, 0.0);
    }
    if (featureBias != null) {
      Nd4j.gemm(a.featureBias, a.dLogit, outFeatureBiasGrad, true, false, 1.0, 0.0);
      Nd4j.gemm(a.itemFeatures, a.dLogit, featureBiasGrad, true, false, outFeatureBias.getDouble(0), 0.0);
    }
    if (gmfUser != null) {
      Nd4j.gemm(a.product, a.dLogit, outGmfGrad, true, false, 1.0, 0.0);
      Nd4j.gemm(a.dLogit, outGmf, a.dProduct, false, true, 1.0, 0.0);
      a.dProduct.mul(a.itemGmf, a.dUserGmf);
      a.dProduct.mul(a.userGmf, a.dItemGmf);
      if (featureProjection != null) {
        a.dProjected.assign(a.dItemGmf.get(NDArrayIndex.all(), NDArrayIndex.interval(gmfItemWidth, gmfWidth)));
        Nd4j.gemm(a.itemFeatures, a.dProjected, featureProjectionGrad, true, false, 1.0, 0.0);
      }
    }
    if (mlpUser != null) {
      Nd4j.gemm(a.top, a.dLogit, outMlpGrad, true, false, 1.0, 0.0);
      INDArray dh = a.dTop;
      Nd4j.gemm(a.dLogit, outMlp, dh, false, true, 1.0, 0.0);
      for (int i = layerIn.length - 1; i >= 0; i--) {
        INDArray h = i + 1 < layerIn.length ? a.input[i + 1] : a.top;
        Nd4j.exec(new RectifiedLinearDerivative(h, dh, dh));
        Nd4j.gemm(a.input[i], dh, weightGrads[i], true, false, 1.0, 0.0);
        Nd4j.gemm(a.ones, dh, biasGrads[i], false, false, 1.0, 0.0);
        INDArray dIn = a.dInput[i];
        Nd4j.gemm(dh, weights[i], dIn, false, true, 1.0, 0.0);
        if (a.mask[i] != null && settings.dropout() > 0) {
          dIn.muli(a.mask[i]);
        }
        dh = dIn;
      }
      int column = 2 * mlpWidth;
      if (itemProjection != null) {
        projectBack(itemProjection, a.itemFeatures, a.itemProjected, a.dInput[0], column, a.ones);
        column += itemProjection.out();
      }
      if (userProjection != null) {
        projectBack(userProjection, a.userFeatures, a.userProjected, a.dInput[0], column, a.ones);
      }
    }
    if (settings.l2() > 0) {
      for (int i = 0; i < weights.length; i++) {
        weightGrads[i].addi(weights[i].mul(settings.l2()));
      }
      outWeightsGrad.addi(outWeights.mul(settings.l2()));
      if (featureProjection != null) {
        featureProjectionGrad.addi(featureProjection.mul(settings.l2()));
      }
      if (featureBias != null) {
        featureBiasGrad.addi(featureBias.mul(settings.l2()));
      }
      for (Projection p : new Projection[] {itemProjection, userProjection}) {
        if (p != null) {
          p.wGrad.addi(p.w.mul(settings.l2()));
        }
      }
    }
  }

  /** Buffers of one minibatch size, allocated once and reused every step of that size. */
  private Activations activations(int n) {
    Activations a = activations.get(n);
    if (a == null) {
      if (activations.size() >= 2) {
        activations.remove(activations.keySet().iterator().next());
      }
      a = new Activations(n);
      activations.put(n, a);
    }
    return a;
  }

  private final class Activations {
    final int n;
    final INDArray ones;
    final INDArray labels;
    final INDArray prediction;
    final INDArray dLogit;
    final INDArray userGmf;
    final INDArray itemGmf;
    final INDArray product;
    final INDArray dProduct;
    final INDArray dUserGmf;
    final INDArray dItemGmf;
    /** input[i]: the input of MLP layer i (input[0]: user and item MLP embeddings side by side). */
    final INDArray[] input;
    final INDArray[] mask;
    final INDArray[] dInput;
    final INDArray top;
    final INDArray dTop;
    /** Side information: the minibatch's feature rows, their projections and the bias columns (null where unused). */
    final INDArray itemFeatures;
    final INDArray userFeatures;
    final INDArray projected;
    final INDArray dProjected;
    final INDArray itemProjected;
    final INDArray userProjected;
    final INDArray itemBias;
    final INDArray dItemBias;
    final INDArray featureBias;

    Activations(int n) {
      this.n = n;
      ones = Nd4j.ones(DataType.FLOAT, 1, n);
      labels = matrix(n, 1);
      prediction = matrix(n, 1);
      dLogit = matrix(n, 1);
      userGmf = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      itemGmf = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      product = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      dProduct = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      dUserGmf = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      dItemGmf = gmfWidth > 0 ? matrix(n, gmfWidth) : null;
      int layers = layerIn.length;
      input = new INDArray[layers];
      mask = new INDArray[layers];
      dInput = new INDArray[layers];
      for (int i = 0; i < layers; i++) {
        input[i] = matrix(n, layerIn[i]);
        dInput[i] = matrix(n, layerIn[i]);
        mask[i] = settings.dropout() > 0 ? matrix(n, layerIn[i]) : null;
      }
      top = layers > 0 ? matrix(n, layerOut[layers - 1]) : null;
      dTop = layers > 0 ? matrix(n, layerOut[layers - 1]) : null;
      SparseNcfNetwork net = SparseNcfNetwork.this;
      itemFeatures = net.itemFeatures != null ? matrix(n, net.itemFeatures.width()) : null;
      userFeatures = net.userProjection != null ? matrix(n, net.userProjection.in()) : null;
      projected = featureProjection != null ? matrix(n, gmfWidth - gmfItemWidth) : null;
      dProjected = featureProjection != null ? matrix(n, gmfWidth - gmfItemWidth) : null;
      itemProjected = itemProjection != null ? matrix(n, itemProjection.out()) : null;
      userProjected = net.userProjection != null ? matrix(n, net.userProjection.out()) : null;
      itemBias = net.itemBias != null ? matrix(n, 1) : null;
      dItemBias = net.itemBias != null ? matrix(n, 1) : null;
      featureBias = net.featureBias != null ? matrix(n, 1) : null;
    }

    private INDArray matrix(long rows, long cols) {
      return Nd4j.zeros(DataType.FLOAT, rows, cols);
    }
  }

  private List<EmbeddingTable> tables() {
    List<EmbeddingTable> t = new ArrayList<>();
    for (EmbeddingTable e : new EmbeddingTable[] {gmfUser, gmfItem, mlpUser, mlpItem, itemBias}) {
      if (e != null) {
        t.add(e);
      }
    }
    return t;
  }

  /** Writes the current parameters into {@code graph} (same architecture), e.g. to score or save them. */
  public void copyTo(ComputationGraph graph) {
    for (EmbeddingTable t : tables()) {
      graph.getParam(t.name() + "_W").assign(t.weights());
    }
    for (int i = 0; i < weights.length; i++) {
      graph.getParam(NcfGraphs.mlpLayer(i) + "_W").assign(weights[i]);
      graph.getParam(NcfGraphs.mlpLayer(i) + "_b").assign(biases[i].reshape(graph.getParam(NcfGraphs.mlpLayer(i) + "_b").shape()));
    }
    copySide(graph, true);
    INDArray out = graph.getParam(NcfGraphs.OUTPUT + "_W");
    out.assign(outWeights.reshape(out.shape()));
    graph.getParam(NcfGraphs.OUTPUT + "_b").assign(outBias.getDouble(0));
  }

  /** The side-information layers' parameters to the graph ({@code toGraph}) or from it. */
  private void copySide(ComputationGraph graph, boolean toGraph) {
    java.util.function.BiConsumer<String, INDArray> copy = (name, mine) -> {
      if (mine != null) {
        INDArray theirs = graph.getParam(name);
        if (toGraph) {
          theirs.assign(mine.reshape(theirs.shape()));
        } else {
          mine.assign(theirs.reshape(mine.shape()));
        }
      }
    };
    copy.accept(NcfGraphs.FEATURE_PROJECTION + "_W", featureProjection);
    copy.accept(NcfGraphs.FEATURE_BIAS + "_W", featureBias);
    if (itemProjection != null) {
      copy.accept(NcfGraphs.ITEM_PROJECTION + "_W", itemProjection.w);
      copy.accept(NcfGraphs.ITEM_PROJECTION + "_b", itemProjection.b);
    }
    if (userProjection != null) {
      copy.accept(NcfGraphs.USER_PROJECTION + "_W", userProjection.w);
      copy.accept(NcfGraphs.USER_PROJECTION + "_b", userProjection.b);
    }
  }

  private void copyDenseFrom(ComputationGraph graph) {
    for (int i = 0; i < weights.length; i++) {
      weights[i].assign(graph.getParam(NcfGraphs.mlpLayer(i) + "_W"));
      biases[i].assign(graph.getParam(NcfGraphs.mlpLayer(i) + "_b").reshape(1, layerOut[i]));
    }
    copySide(graph, false);
    outWeights.assign(graph.getParam(NcfGraphs.OUTPUT + "_W").reshape(-1, 1));
    outBias.assign(graph.getParam(NcfGraphs.OUTPUT + "_b").getDouble(0));
  }

  /** The optimizer state (step count, dense Adam moments, every table's row moments) as bytes. */
  public byte[] optimizerState() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF(STATE_FORMAT);
      out.writeLong(iteration);
      BulkArrays.writeFloats(out, denseState);
      for (EmbeddingTable t : tables()) {
        out.writeUTF(t.name());
        BulkArrays.writeFloats(out, t.m());
        BulkArrays.writeFloats(out, t.v());
      }
      out.writeBoolean(catchUp != null);
      if (catchUp != null) {
        BulkArrays.writeInts(out, userApplied);
        BulkArrays.writeInts(out, itemApplied);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The arrays as blocks of floats ({@link BulkArrays}); {@link #LEGACY_STATE_FORMAT} (arrays as {@code Nd4j.write}) is still read. */
  private static final String STATE_FORMAT = "ncf-sparse-adam-3";
  private static final String LEGACY_STATE_FORMAT = "ncf-sparse-adam-2";

  /** Restores what {@link #optimizerState} wrote (for a network of the same architecture). */
  public void restoreOptimizerState(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      String format = in.readUTF();
      if (!format.equals(STATE_FORMAT) && !format.equals(LEGACY_STATE_FORMAT)) {
        throw new IllegalArgumentException("not a sparse NCF optimizer state: " + format);
      }
      boolean legacy = format.equals(LEGACY_STATE_FORMAT);
      iteration = in.readLong();
      readArray(in, denseState, legacy, "dense Adam state");
      for (EmbeddingTable t : tables()) {
        String name = in.readUTF();
        if (!name.equals(t.name())) {
          throw new IllegalArgumentException("optimizer state of " + name + " where " + t.name() + " was expected");
        }
        readArray(in, t.m(), legacy, name + " m");
        readArray(in, t.v(), legacy, name + " v");
      }
      boolean savedCatchUp = in.readBoolean();
      if (savedCatchUp != (catchUp != null)) {
        throw new IllegalArgumentException("the optimizer state was saved with models.ncf.sparse-adam = "
            + (savedCatchUp ? "catch-up" : "lazy") + " and is restored with the other");
      }
      if (catchUp != null) {
        BulkArrays.readInts(in, userApplied, "catch-up state of the user rows");
        BulkArrays.readInts(in, itemApplied, "catch-up state of the item rows");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void readArray(DataInputStream in, INDArray target, boolean legacy, String what) throws IOException {
    if (legacy) {
      assignSameShape(target, Nd4j.read(in), what);
    } else {
      BulkArrays.readInto(in, target, what);
    }
  }

  private static void assignSameShape(INDArray target, INDArray source, String what) {
    if (!Arrays.equals(target.shape(), source.shape())) {
      throw new IllegalArgumentException(what + ": shape " + Arrays.toString(source.shape()) + " where "
          + Arrays.toString(target.shape()) + " was expected (another architecture?)");
    }
    target.assign(source);
  }
}
