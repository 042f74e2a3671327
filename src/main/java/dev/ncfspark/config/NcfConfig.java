package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Neural Collaborative Filtering (He et al., WWW 2017): the architecture and optimisation of GMF,
 * MLP and NeuMF, and how they are trained on Spark ({@link SparkTraining}). Defaults are the
 * paper's: 8 predictive factors, a 3-layer tower, Adam at 0.001, batch 256, 20 epochs, 4
 * negatives per positive (from {@code negatives.train.per-positive}).
 *
 * @param gmfEmbedding   GMF embedding size per user and item
 * @param mlpEmbedding   MLP embedding size per user and item (the tower's input is twice that)
 * @param mlpLayers      MLP hidden layer sizes, first to last (ReLU)
 * @param epochs         maximum epochs
 * @param batchSize      examples per minibatch (per worker)
 * @param learningRate   Adam learning rate
 * @param adamBeta1      Adam's first-moment decay (0.9; large-batch recipes lower it, e.g. MLPerf's 0.25)
 * @param adamBeta2      Adam's second-moment decay (0.999; MLPerf's large-batch NCF: 0.5)
 * @param l2             L2 regularisation on every weight (0: none)
 * @param dropout        drop probability on the MLP hidden layers (0: none)
 * @param pretrain       initialise NeuMF from the GMF and MLP trained in the same run
 * @param pretrainAlpha  weight of GMF in the fused output layer when pre-training
 * @param patience       epochs without a better validation HR@K before stopping (0: never stop early)
 * @param validationCutoff K of the validation HR@K / NDCG@K
 * @param scoringBatch   pairs per inference batch on the executors
 * @param engine         what trains: sparse embedding updates, DL4J's ComputationGraph, or auto (sparse with the local master)
 * @param kernels        the sparse engine's embedding kernels: Java over native buffers (CPU), ND4J ops (any backend), or auto
 * @param sparseAdam     the sparse engine's Adam on embedding rows: lazy (touched rows only) or catch-up (dense Adam's moves, in closed form)
 * @param epochExamples  where each epoch's examples (negatives, shuffle) are made: in memory (driver or workers), by Spark, or auto
 */
public record NcfConfig(int gmfEmbedding, int mlpEmbedding, List<Integer> mlpLayers, int epochs, int batchSize,
    double learningRate, double adamBeta1, double adamBeta2, double l2, double dropout, boolean pretrain, double pretrainAlpha, int patience,
    int validationCutoff, int scoringBatch, Engine engine, Kernels kernels, SparseAdam sparseAdam, ExampleSource epochExamples, SparkTraining spark) {

  /**
   * The training engine: SPARSE updates only the embedding rows a minibatch touches (lazy Adam)
   * in one JVM or on every worker of {@code training-master = distributed}; GRAPH is DL4J's
   * {@code ComputationGraph.fit} (dense Adam over every parameter), the only one DL4J's Spark
   * masters run; AUTO is SPARSE with {@code training-master = local} or {@code distributed} and
   * GRAPH otherwise.
   */
  public enum Engine { AUTO, SPARSE, GRAPH }

  /** True when this configuration trains with the sparse engine. */
  public boolean sparseEngine() {
    return engine == Engine.SPARSE || (engine == Engine.AUTO && spark.trainingMaster().sparse());
  }

  /**
   * Where each epoch's training examples are made. IN_MEMORY: where they are trained, from the
   * training positives held there (negatives rejection-sampled against each user's positives, a
   * seeded permutation; the NCF authors' way), no Spark job per epoch: in the driver with {@code
   * training-master = local}, by every worker for its own users with {@code distributed} (the
   * positives broadcast once). SPARK: the Spark SQL sampler ({@code TrainNegativeSampler}) and a
   * hash shuffle on the executors; the only source DL4J's Spark masters can read. AUTO: IN_MEMORY
   * with the sparse engine's masters, SPARK with DL4J's. Both draw from the same distribution,
   * not the same draws.
   */
  public enum ExampleSource { AUTO, IN_MEMORY, SPARK }

  /** True when each epoch's examples are made in memory (the driver's or the workers'). */
  public boolean examplesInMemory() {
    return epochExamples == ExampleSource.IN_MEMORY || (epochExamples == ExampleSource.AUTO && spark.trainingMaster().sparse());
  }

  /** This configuration with {@code master} as its training master (an AUTO master resolved for a cluster). */
  public NcfConfig withTrainingMaster(TrainingMaster master) {
    SparkTraining s = spark;
    return new NcfConfig(gmfEmbedding, mlpEmbedding, mlpLayers, epochs, batchSize, learningRate, adamBeta1, adamBeta2, l2, dropout, pretrain,
        pretrainAlpha, patience, validationCutoff, scoringBatch, engine, kernels, sparseAdam, epochExamples, new SparkTraining(master,
        s.approach(), s.workers(), s.workersPerExecutor(), s.averagingFrequency(), s.prefetchBatches(), s.ompThreads(), s.threshold(),
        s.partitions(), s.progressEveryBatches(), s.unicastPort(), s.networkMask(), s.controllerAddress(), s.mergeEveryBatches(), s.merge(),
        s.workerGpus()));
  }

  /**
   * Adam on the sparse engine's embedding rows. LAZY: a row and its moments change only at the
   * steps that touch it (PyTorch's SparseAdam). CATCH_UP: when a row is touched again it first
   * makes, in closed form, the moves dense Adam would have made at the steps it missed (decayed
   * moments, momentum still moving it), as Intel's MLPerf NCF does; dense Adam's trajectory except
   * for epsilon and L2 on idle steps.
   */
  public enum SparseAdam { LAZY, CATCH_UP }

  /** The sparse engine's embedding kernels: AUTO = CPU on ND4J's CPU backend, OPS elsewhere (CUDA). */
  public enum Kernels { AUTO, CPU, OPS }

  /** Architecture presets. */
  public enum Preset {
    /** The paper's: GMF embedding = factors, MLP tower [4f, 2f, f] on 2f-sized embeddings. */
    PAPER,
    /** The seeds' small model: embedding 8, MLP 16 -> 64 -> 32 -> 1. */
    SMALL,
    /** gmf-embedding, mlp-embedding and mlp-layers exactly as given. */
    CUSTOM
  }

  /**
   * How DL4J trains on Spark.
   *
   * @param trainingMaster     parameter averaging or shared (quantised) gradients
   * @param approach           how minibatches reach the workers: exported to files once per epoch, or direct from a cached RDD
   * @param workers            model replicas in all (0: executor cores x workersPerExecutor)
   * @param workersPerExecutor DL4J workers (model replicas) per executor; one per GPU on GPU executors
   * @param averagingFrequency minibatches each worker fits between two parameter averagings
   * @param prefetchBatches    minibatches prefetched per worker (asynchronous); 0: none
   * @param ompThreads         OMP_NUM_THREADS for the ND4J native backend on executors (0: leave as is)
   * @param threshold          initial update threshold of shared-gradient training
   * @param partitions         partitions of each epoch's training data (0: the default parallelism)
   * @param progressEveryBatches a progress line every N minibatches per epoch (0: none)
   * @param unicastPort        port of shared-gradient training's transport (Aeron, UDP)
   * @param networkMask        network the shared-gradient transport binds to, e.g. 10.0.0.0/16
   * @param controllerAddress  shared-gradient master address ("" = the driver's spark.driver.host)
   * @param mergeEveryBatches  distributed: minibatches per worker between merges (0 = one merge per epoch,
   *                           {@link #MERGE_AUTO} = {@link #mergeEveryBatches(int)} by the number of workers)
   * @param merge              distributed: how the workers' rounds are combined
   * @param workerGpus         distributed: GPUs each worker's task requests (Spark stage-level scheduling; 0: the cluster's task defaults)
   */
  public record SparkTraining(TrainingMaster trainingMaster, Approach approach, int workers, int workersPerExecutor, int averagingFrequency, int prefetchBatches,
      int ompThreads, double threshold, int partitions, int progressEveryBatches, int unicastPort, String networkMask,
      String controllerAddress, int mergeEveryBatches, Merge merge, double workerGpus) {
    /** {@code merge-every-batches = auto}. */
    public static final int MERGE_AUTO = -1;
    /** With {@code auto}: minibatches the workers train together between two merges. */
    public static final int AUTO_MINIBATCHES_BETWEEN_MERGES = 100;

    /**
     * Minibatches each of {@code workers} workers trains between two merges (0: once an epoch).
     * {@code auto} bounds what all workers together train between merges to about
     * {@value #AUTO_MINIBATCHES_BETWEEN_MERGES} minibatches (2 workers: 50, 4: 25): the summed moves
     * of an item row grow with the workers, and 4 workers merging every 50 overshot (README,
     * "Distributed training").
     */
    public int mergeEveryBatches(int workers) {
      return mergeEveryBatches == MERGE_AUTO ? Math.max(1, AUTO_MINIBATCHES_BETWEEN_MERGES / Math.max(1, workers)) : mergeEveryBatches;
    }
  }

  /**
   * How distributed training combines the workers' rounds (embedding rows over the workers that
   * touched them, dense layers over all): SUM of their moves from the round's start, as if their
   * steps had been made one after the other, or their MEAN (model averaging). Adam's moments are
   * averaged either way.
   */
  public enum Merge { SUM, MEAN }

  /** DL4J's RDD training approaches. */
  public enum Approach { EXPORT, DIRECT }

  /**
   * How the graph is trained: DL4J's Spark training masters, or LOCAL — one ComputationGraph in
   * the driver fitting the same minibatches streamed partition by partition (the single-JVM
   * baseline; the data never has to fit in the driver).
   */
  public enum TrainingMaster {
    PARAMETER_AVERAGING, SHARED_GRADIENTS, LOCAL,
    /** The sparse engine on every worker, rows merged over the workers that touched them (DistributedEngine). */
    DISTRIBUTED,
    /**
     * DISTRIBUTED when the job has executors with more than one core in all (a cluster), else
     * LOCAL; LOCAL with {@code engine = graph}. Resolved when training starts.
     */
    AUTO;

    /** Whether this master trains the sparse engine (else DL4J's graph). */
    public boolean sparse() {
      return this == LOCAL || this == DISTRIBUTED || this == AUTO;
    }
  }

  static NcfConfig from(Config c) {
    Preset preset = ConfigValues.enumValue(c, "preset", Preset.class);
    int factors = ConfigValues.intAtLeast(c, "factors", 1);
    int depth = ConfigValues.intAtLeast(c, "mlp-depth", 1);
    int gmf;
    int mlp;
    List<Integer> layers = new ArrayList<>();
    switch (preset) {
      case PAPER -> {
        gmf = factors;
        // the last hidden layer has `factors` units, each one before twice as many
        for (int i = depth - 1; i >= 0; i--) {
          layers.add(factors << i);
        }
        mlp = layers.get(0) / 2;
      }
      case SMALL -> {
        gmf = 8;
        mlp = 8;
        layers.addAll(List.of(64, 32));
      }
      default -> {
        gmf = ConfigValues.intAtLeast(c, "gmf-embedding", 1);
        mlp = ConfigValues.intAtLeast(c, "mlp-embedding", 1);
        layers.addAll(c.getIntList("mlp-layers"));
        if (layers.isEmpty() || layers.stream().anyMatch(n -> n < 1)) {
          throw new ConfigException.BadValue(c.origin(), "mlp-layers", "expected a non-empty list of positive sizes, found " + layers);
        }
      }
    }
    Config s = c.getConfig("spark");
    SparkTraining spark = new SparkTraining(
        ConfigValues.enumValue(s, "training-master", TrainingMaster.class),
        ConfigValues.enumValue(s, "approach", Approach.class),
        ConfigValues.intAtLeast(s, "workers", 0),
        ConfigValues.intAtLeast(s, "workers-per-executor", 1),
        ConfigValues.intAtLeast(s, "averaging-frequency", 1),
        ConfigValues.intAtLeast(s, "prefetch-batches", 0),
        ConfigValues.intAtLeast(s, "omp-threads", 0),
        ConfigValues.doubleIn(s, "threshold", 1e-9, 1.0),
        ConfigValues.intAtLeast(s, "partitions", 0),
        ConfigValues.intAtLeast(s, "progress-every-batches", 0),
        ConfigValues.intAtLeast(s, "unicast-port", 1024),
        s.getString("network-mask"),
        s.getString("controller-address"),
        ConfigValues.intOrAuto(s, "merge-every-batches", 0, SparkTraining.MERGE_AUTO),
        ConfigValues.enumValue(s, "merge", Merge.class),
        ConfigValues.doubleIn(s, "worker-gpus", 0, 64));
    Engine engine = ConfigValues.enumValue(c, "engine", Engine.class);
    if (engine == Engine.SPARSE && !spark.trainingMaster().sparse()) {
      throw new ConfigException.BadValue(c.origin(), "engine", "sparse trains in one JVM or distributed (spark.training-master = "
          + "local or distributed); DL4J's Spark masters train DL4J's graph: expected graph or auto with spark.training-master = "
          + ConfigValues.kebab(spark.trainingMaster()));
    }
    if (engine == Engine.GRAPH && spark.trainingMaster() == TrainingMaster.DISTRIBUTED) {
      throw new ConfigException.BadValue(c.origin(), "engine", "spark.training-master = distributed trains the sparse engine on "
          + "every worker: expected sparse or auto");
    }
    if (spark.workerGpus() > 0 && spark.trainingMaster() != TrainingMaster.DISTRIBUTED && spark.trainingMaster() != TrainingMaster.AUTO) {
      throw new ConfigException.BadValue(s.origin(), "worker-gpus", "GPUs per worker task apply to training-master = distributed"
          + " (the rounds' tasks); with " + ConfigValues.kebab(spark.trainingMaster()) + " expected 0");
    }
    ExampleSource examples = ConfigValues.enumValue(c, "epoch-examples", ExampleSource.class);
    if (examples == ExampleSource.IN_MEMORY && !spark.trainingMaster().sparse()) {
      throw new ConfigException.BadValue(c.origin(), "epoch-examples", "the Spark masters read each epoch's examples from Spark: "
          + "expected spark or auto with spark.training-master = " + ConfigValues.kebab(spark.trainingMaster()));
    }
    return new NcfConfig(gmf, mlp, List.copyOf(layers),
        ConfigValues.intAtLeast(c, "epochs", 1),
        ConfigValues.intAtLeast(c, "batch-size", 1),
        ConfigValues.doubleIn(c, "learning-rate", 1e-7, 1.0),
        ConfigValues.doubleIn(c, "adam-beta1", 0, 0.9999),
        ConfigValues.doubleIn(c, "adam-beta2", 0, 0.99999),
        ConfigValues.doubleIn(c, "l2", 0, 1),
        ConfigValues.doubleIn(c, "dropout", 0, 0.95),
        c.getBoolean("pretrain"),
        ConfigValues.doubleIn(c, "pretrain-alpha", 0, 1),
        ConfigValues.intAtLeast(c, "patience", 0),
        ConfigValues.intAtLeast(c, "validation-cutoff", 1),
        ConfigValues.intAtLeast(c, "scoring-batch", 1),
        engine,
        ConfigValues.enumValue(c, "kernels", Kernels.class),
        ConfigValues.enumValue(c, "sparse-adam", SparseAdam.class),
        examples,
        spark);
  }
}
