package dev.ncfspark.models.ncf.engine;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link EmbeddingKernels} as plain Java over direct views of ND4J's native (host) buffers: rows
 * move between the buffers and Java arrays in bulk (one copy per row or per batch, never a call
 * per element), and the per-row gradient sums and the lazy Adam arithmetic run as simple loops
 * over {@code float[]} that the JIT compiles to vector code. CPU backend only (a CUDA buffer is
 * device memory).
 */
public final class CpuBufferKernels implements EmbeddingKernels {
  private float[] grads = new float[0];
  private float[] sums = new float[0];
  private float[] p = new float[0];
  private float[] m = new float[0];
  private float[] v = new float[0];

  @Override
  public void gather(EmbeddingTable table, int[] rows, int n, INDArray out, int column) {
    FloatBuffer src = table.weightsView();
    FloatBuffer dst = out.data().asNioFloat();
    int d = table.width();
    int w = (int) out.columns();
    int base = (int) out.offset() + column;
    for (int i = 0; i < n; i++) {
      dst.put(base + i * w, src, rows[i] * d, d);
    }
  }

  @Override
  public void update(EmbeddingTable table, RowGroups groups, INDArray gradients, int column, AdamStep step) {
    int d = table.width();
    int k = groups.count();
    int n = groups.examples();
    int w = (int) gradients.columns();
    if (grads.length < n * w) {
      grads = new float[n * w];
    }
    if (sums.length < k * d) {
      int size = Math.max(k * d, sums.length * 2);
      sums = new float[size];
      p = new float[size];
      m = new float[size];
      v = new float[size];
    }
    gradients.data().asNioFloat().get((int) gradients.offset(), grads, 0, n * w);
    Arrays.fill(sums, 0, k * d, 0f);
    for (int i = 0; i < n; i++) {
      int to = groups.group(i) * d;
      int from = i * w + column;
      for (int j = 0; j < d; j++) {
        sums[to + j] += grads[from + j];
      }
    }
    FloatBuffer pb = table.weightsView();
    FloatBuffer mb = table.mView();
    FloatBuffer vb = table.vView();
    for (int s = 0; s < k; s++) {
      int at = groups.row(s) * d;
      pb.get(at, p, s * d, d);
      mb.get(at, m, s * d, d);
      vb.get(at, v, s * d, d);
    }
    adam(k * d, (float) step.alphaT(), (float) step.beta1(), (float) step.beta2(), (float) step.epsilon(), (float) step.l2());
    for (int s = 0; s < k; s++) {
      int at = groups.row(s) * d;
      pb.put(at, p, s * d, d);
      mb.put(at, m, s * d, d);
      vb.put(at, v, s * d, d);
    }
  }

  /** Adam on the first {@code len} gathered entries, in place. */
  private void adam(int len, float alpha, float b1, float b2, float eps, float l2) {
    float c1 = 1 - b1;
    float c2 = 1 - b2;
    for (int x = 0; x < len; x++) {
      float g = sums[x] + l2 * p[x];
      float mx = b1 * m[x] + c1 * g;
      float vx = b2 * v[x] + c2 * g * g;
      m[x] = mx;
      v[x] = vx;
      p[x] -= alpha * mx / ((float) Math.sqrt(vx) + eps);
    }
  }
}
