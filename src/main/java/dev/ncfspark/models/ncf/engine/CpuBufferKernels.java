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
    ensureRows(k * d);
    gradients.data().asNioFloat().get((int) gradients.offset(), grads, 0, n * w);
    Arrays.fill(sums, 0, k * d, 0f);
    for (int i = 0; i < n; i++) {
      int to = groups.group(i) * d;
      int from = i * w + column;
      for (int j = 0; j < d; j++) {
        sums[to + j] += grads[from + j];
      }
    }
    int[] rows = groups.rows();
    move(table, rows, k, false);
    adam(k * d, (float) step.alphaT(), (float) step.beta1(), (float) step.beta2(), (float) step.epsilon(), (float) step.l2());
    move(table, rows, k, true);
  }

  @Override
  public void catchUp(EmbeddingTable table, int[] rows, int n, AdamCatchUp.Scalars catchUp, double epsilon) {
    ensureRows(n * table.width());
    move(table, rows, n, false);
    catchUpGathered(n, table.width(), catchUp, (float) epsilon);
    move(table, rows, n, true);
  }

  /** Room for {@code size} gathered entries. */
  private void ensureRows(int size) {
    if (p.length < size) {
      int grown = Math.max(size, p.length * 2);
      sums = new float[grown];
      p = new float[grown];
      m = new float[grown];
      v = new float[grown];
    }
  }

  /**
   * Copies table rows {@code rows[0..n)} (weights, m, v) into the gathered arrays, or ({@code
   * store}) the gathered arrays back into those rows: one bulk copy a row and array.
   */
  private void move(EmbeddingTable table, int[] rows, int n, boolean store) {
    int d = table.width();
    FloatBuffer pb = table.weightsView();
    FloatBuffer mb = table.mView();
    FloatBuffer vb = table.vView();
    for (int s = 0; s < n; s++) {
      int at = rows[s] * d;
      if (store) {
        pb.put(at, p, s * d, d);
        mb.put(at, m, s * d, d);
        vb.put(at, v, s * d, d);
      } else {
        pb.get(at, p, s * d, d);
        mb.get(at, m, s * d, d);
        vb.get(at, v, s * d, d);
      }
    }
  }

  /** The missed steps of the first {@code k} gathered rows (width {@code d}), in place. */
  private void catchUpGathered(int k, int d, AdamCatchUp.Scalars c, float eps) {
    for (int s = 0; s < k; s++) {
      float scale = c.scale[s];
      if (scale == 0f && c.mDecay[s] == 1f && c.vDecay[s] == 1f) {
        continue;
      }
      float md = c.mDecay[s];
      float vd = c.vDecay[s];
      for (int x = s * d; x < s * d + d; x++) {
        p[x] -= scale * m[x] / ((float) Math.sqrt(v[x]) + eps);
        m[x] *= md;
        v[x] *= vd;
      }
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
