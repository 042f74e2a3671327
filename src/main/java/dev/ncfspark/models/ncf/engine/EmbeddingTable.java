package dev.ncfspark.models.ncf.engine;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One embedding table being trained: its weights [rows x width] and the lazy Adam moments of
 * every row (m, v, same shape), all c-order float arrays of their own. Only rows a minibatch
 * touches are read or written.
 */
public final class EmbeddingTable {
  private final String name;
  private final INDArray weights;
  private INDArray m;
  private INDArray v;
  private FloatBuffer weightsView;
  private FloatBuffer mView;
  private FloatBuffer vView;

  /** A table initialised with a copy of {@code initial}; its moments are zero, allocated when first needed (never to only score). */
  public EmbeddingTable(String name, INDArray initial) {
    this.name = name;
    this.weights = initial.castTo(DataType.FLOAT).dup('c');
  }

  public String name() {
    return name;
  }

  public INDArray weights() {
    return weights;
  }

  public INDArray m() {
    if (m == null) {
      m = Nd4j.zeros(DataType.FLOAT, weights.shape());
    }
    return m;
  }

  public INDArray v() {
    if (v == null) {
      v = Nd4j.zeros(DataType.FLOAT, weights.shape());
    }
    return v;
  }

  public int rows() {
    return (int) weights.rows();
  }

  public int width() {
    return (int) weights.columns();
  }

  /** Direct views of the native buffers (CPU backend), made once. */
  FloatBuffer weightsView() {
    if (weightsView == null) {
      weightsView = weights.data().asNioFloat();
    }
    return weightsView;
  }

  FloatBuffer mView() {
    if (mView == null) {
      mView = m().data().asNioFloat();
    }
    return mView;
  }

  FloatBuffer vView() {
    if (vView == null) {
      vView = v().data().asNioFloat();
    }
    return vView;
  }
}
