package dev.ncfspark.models.ncf;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What trains an NCF model epoch by epoch for {@link SparkNcfTrainer}: {@link SparseEngine} (sparse
 * embedding updates in one JVM, the default) or {@link GraphEngine} (DL4J's {@code
 * ComputationGraph.fit}, in the driver or under a DL4J Spark training master). Either way the
 * trained parameters are a DL4J graph of {@link NcfGraphs}, which the scorer, the checkpoints
 * and the exports read.
 */
interface NcfEngine {
  /** Fits one epoch's examples, in their order. */
  void fitEpoch(EpochExamples examples, TrainingProgress progress);

  /** Predicted probabilities of the first {@code n} (user, item) pairs with the current parameters. */
  float[] predict(int[] users, int[] items, int n);

  /** The current parameters as a graph; the same object until the next epoch (do not modify it). */
  ComputationGraph model();

  /** Parameters and optimizer state as bytes, from which {@link NcfEngines#restore} continues training. */
  byte[] checkpoint();
}
