package dev.ncfspark.models.ncf.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embedding work of one training step: gather the minibatch's rows into the activations,
 * and apply the minibatch's row gradients with lazy Adam (per-example gradients summed per
 * distinct row, then only those rows and their moments updated). Two implementations behind
 * this one interface: {@link Nd4jOpKernels} (ND4J ops only: runs on every backend, CUDA
 * included) and {@link CpuBufferKernels} (plain Java over the native buffers: on the CPU backend
 * it avoids ND4J's per-op overhead, which dominates at NCF's sizes). They are tested against
 * each other.
 */
public interface EmbeddingKernels {
  /**
   * Copies {@code table} rows {@code rows[0..n)} into columns {@code [column, column + width)}
   * of {@code out}, a c-order [n x w] float array.
   */
  void gather(EmbeddingTable table, int[] rows, int n, INDArray out, int column);

  /**
   * Lazy Adam on the rows {@code groups} lists: the gradient of distinct row s is the sum of
   * columns {@code [column, column + width)} of the rows of {@code grads} (a c-order [n x w]
   * float array) whose example uses s; every other row and its moments stay as they are.
   */
  void update(EmbeddingTable table, RowGroups groups, INDArray grads, int column, AdamStep step);

  /**
   * Brings rows {@code rows[0..n)} through the steps they missed ({@link AdamCatchUp}), with
   * {@code catchUp}'s constants (aligned with the rows): before a minibatch reads them, or before
   * the parameters are scored or saved.
   */
  void catchUp(EmbeddingTable table, int[] rows, int n, AdamCatchUp.Scalars catchUp, double epsilon);

  /** Which implementation: {@code auto} picks the CPU kernels on the CPU backend, the ops elsewhere. */
  enum Choice { AUTO, CPU, OPS }

  static EmbeddingKernels of(Choice choice) {
    return switch (choice) {
      case CPU -> new CpuBufferKernels();
      case OPS -> new Nd4jOpKernels();
      case AUTO -> onCpuBackend() ? new CpuBufferKernels() : new Nd4jOpKernels();
    };
  }

  /** True on ND4J's native CPU backend, whose buffers are host memory that Java can address. */
  static boolean onCpuBackend() {
    return Nd4j.getBackend().getClass().getName().contains(".cpu.");
  }
}
