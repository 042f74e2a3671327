package dev.ncfspark.models.ncf;

import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;

/**
 * DL4J's own training of the NCF graph: {@code ComputationGraph.fit} on minibatches streamed to
 * the driver ({@code training-master = local}), or a DL4J Spark training master (parameter
 * averaging, shared gradients) over the executors. Its Adam updates every parameter, embedding
 * tables included, at every step; it stays for the DL4J masters and as the benchmark's baseline.
 */
final class GraphEngine implements NcfEngine {
  private final SparkSession spark;
  private final NcfConfig cfg;
  private final long seed;
  private final String exportDirectory;
  private ComputationGraph net;
  private int epoch;

  GraphEngine(SparkSession spark, NcfConfig cfg, long seed, String exportDirectory, ComputationGraph net, int firstEpoch) {
    this.spark = spark;
    this.cfg = cfg;
    this.seed = seed;
    this.exportDirectory = exportDirectory;
    this.net = net;
    this.epoch = firstEpoch;
  }

  @Override
  public void fitEpoch(EpochExamples examples, TrainingProgress progress) {
    if (cfg.spark().trainingMaster() == NcfConfig.TrainingMaster.LOCAL) {
      NativeThreads.limit(cfg.spark().ompThreads());
      net.setListeners(progress);
      NcfBatches.forEachMinibatch(examples.blocks(), cfg.batchSize(), (users, items, labels, n) -> {
        float[] u = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          u[i] = users[i];
          v[i] = items[i];
        }
        net.fit(NcfBatches.batch(u, v, java.util.Arrays.copyOf(labels, n), n));
      });
      net.setListeners();
    } else {
      TrainingMaster master = TrainingMasters.create(cfg, spark.sparkContext(), exportDirectory, seed + epoch);
      SparkComputationGraph sparkNet = new SparkComputationGraph(spark.sparkContext(), net, master);
      sparkNet.setListeners(progress);
      sparkNet.fitMultiDataSet(NcfBatches.of(examples.rows(), cfg.batchSize(), cfg.spark().ompThreads()));
      master.deleteTempFiles(spark.sparkContext());
      net = sparkNet.getNetwork();
    }
    epoch++;
  }

  @Override
  public float[] predict(int[] users, int[] items, int n) {
    return SparseNcfNetwork.forScoring(net).predict(users, items, n);
  }

  @Override
  public ComputationGraph model() {
    return net;
  }

  @Override
  public byte[] checkpoint() {
    return NcfCheckpoints.bytes(net, true);
  }
}
