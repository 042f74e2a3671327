package dev.ncfspark.models.ncf;

import dev.ncfspark.config.ConfigValues;
import dev.ncfspark.config.NcfConfig;
import org.apache.spark.SparkContext;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.EqualRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * The DL4J TrainingMaster of the configuration. Both masters train on minibatches exported once
 * per epoch to {@code exportDirectory} (a folder every executor can read: the run folder), which
 * is DL4J's scalable path: the alternative ("direct") caches the RDD of minibatches and recomputes
 * nothing, but holds the epoch in executor memory.
 */
public final class TrainingMasters {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingMasters.class);
  static final String AERON_UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";

  private TrainingMasters() {}

  /**
   * {@code cfg} with its training master resolved for {@code sc}: {@code auto} is distributed when
   * the job has executors (not a local master) with more than one core in all, local otherwise
   * (a local master is one JVM: the driver's engine already has its cores) and with the graph
   * engine. Other masters are kept.
   */
  public static NcfConfig resolve(NcfConfig cfg, SparkContext sc) {
    if (cfg.spark().trainingMaster() != NcfConfig.TrainingMaster.AUTO) {
      return cfg;
    }
    int cores = sc.isLocal() ? 0 : executorCores(sc);
    boolean distributed = cfg.engine() != NcfConfig.Engine.GRAPH && cores > 1;
    NcfConfig.TrainingMaster master = distributed ? NcfConfig.TrainingMaster.DISTRIBUTED : NcfConfig.TrainingMaster.LOCAL;
    LOG.info("models.ncf.spark.training-master = auto: {} ({} master, {} executor cores)", ConfigValues.kebab(master),
        sc.isLocal() ? "a local" : "a cluster", cores);
    return cfg.withTrainingMaster(master);
  }

  /**
   * Executor cores of the job: executors registered so far x spark.executor.cores when that is
   * set, else Spark's default parallelism (the cluster's cores, at least 2).
   */
  static int executorCores(SparkContext sc) {
    int executors = Math.max(0, sc.getExecutorMemoryStatus().size() - 1); // without the driver
    if (sc.conf().contains("spark.executor.cores") && executors > 0) {
      return executors * sc.conf().getInt("spark.executor.cores", 1);
    }
    return sc.defaultParallelism();
  }

  /** Model replicas in all: {@code workers}, or executor cores x workers-per-executor. */
  public static int workers(NcfConfig cfg, SparkContext sc) {
    NcfConfig.SparkTraining s = cfg.spark();
    return s.workers() > 0 ? s.workers() : sc.defaultParallelism() * s.workersPerExecutor();
  }

  public static TrainingMaster create(NcfConfig cfg, SparkContext sc, String exportDirectory, long seed) {
    NcfConfig.SparkTraining s = cfg.spark();
    int workers = workers(cfg, sc);
    return switch (s.trainingMaster()) {
      case PARAMETER_AVERAGING -> ParameterAveragingWithAdam.of(new ParameterAveragingTrainingMaster.Builder(workers, cfg.batchSize())
          .batchSizePerWorker(cfg.batchSize())
          .averagingFrequency(s.averagingFrequency())
          .workerPrefetchNumBatches(s.prefetchBatches())
          .saveUpdater(true) // Adam's moments are averaged with the parameters
          .rddTrainingApproach(approach(s, sc))
          .storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
          .exportDirectory(exportDirectory)
          .repartionData(Repartition.NumPartitionsWorkersDiffers)
          .rngSeed(seed));
      case SHARED_GRADIENTS -> {
        allowDl4jAeronTimeouts();
        yield new SharedTrainingMaster.Builder(voidConfiguration(s, sc), workers, s.threshold(), cfg.batchSize())
            .batchSizePerWorker(cfg.batchSize())
            .workersPerNode(s.workersPerExecutor())
            .workerPrefetchNumBatches(s.prefetchBatches())
            .rddTrainingApproach(approach(s, sc))
            .storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
            .exportDirectory(exportDirectory)
            // one partition per worker, all started together: DL4J M2's SharedTrainingWrapper lets a
            // task attach its minibatches just after the JVM's master task has drained the others
            // and then waits for them forever (seen here as a hung fit in 1 of about 5 runs with the
            // default repartitioner's hundreds of small tasks per epoch)
            .repartitioner(new EqualRepartitioner())
            .rngSeed(seed)
            .build();
      }
      case LOCAL, DISTRIBUTED, AUTO -> throw new IllegalArgumentException("training-master = " + ConfigValues.kebab(s.trainingMaster())
          + " trains the sparse engine, without a DL4J TrainingMaster");
    };
  }

  /**
   * DL4J's Aeron transport sets the client liveness timeout to 30 s, above Aeron's default
   * publication unblock timeout (15 s), which Aeron's media driver refuses. jobs/submit.sh passes
   * the flag to every JVM (conf/java17.properties); this covers a driver started otherwise.
   */
  private static void allowDl4jAeronTimeouts() {
    if (System.getProperty(AERON_UNBLOCK_TIMEOUT) == null) {
      System.setProperty(AERON_UNBLOCK_TIMEOUT, "60s");
    }
  }

  /**
   * The configured approach, except that "export" becomes "direct" when Spark runs on a cluster
   * whose default file system is the local one: the exported minibatches would sit on one
   * machine's disk where other executors cannot read them (DL4J refuses that combination).
   */
  static RDDTrainingApproach approach(NcfConfig.SparkTraining s, SparkContext sc) {
    if (s.approach() == NcfConfig.Approach.DIRECT) {
      return RDDTrainingApproach.Direct;
    }
    String defaultScheme = org.apache.hadoop.fs.FileSystem.getDefaultUri(sc.hadoopConfiguration()).getScheme();
    if (!sc.isLocal() && (defaultScheme == null || defaultScheme.equals("file"))) {
      LOG.warn("approach = export needs a shared default file system (HDFS, S3A) on a cluster; the default is {}: training with approach = direct",
          defaultScheme);
      return RDDTrainingApproach.Direct;
    }
    return RDDTrainingApproach.Export;
  }

  /** Transport of shared-gradient training: Aeron over UDP, the driver as controller. */
  static VoidConfiguration voidConfiguration(NcfConfig.SparkTraining s, SparkContext sc) {
    String controller = s.controllerAddress().isBlank() ? sc.getConf().get("spark.driver.host", "127.0.0.1") : s.controllerAddress();
    String mask = s.networkMask().isBlank() ? controller + "/32" : s.networkMask();
    return VoidConfiguration.builder()
        .unicastPort(s.unicastPort())
        .networkMask(mask)
        .controllerAddress(controller)
        .build();
  }
}
