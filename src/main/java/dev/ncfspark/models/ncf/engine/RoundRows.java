package dev.ncfspark.models.ncf.engine;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the touched rows of one side's tables into a {@link RoundUpdate.Rows}, and merges the
 * workers' rows back over the workers that touched each row: its weights become the sum of
 * their moves (as if the workers' steps had been made one after the other) or their mean (Spark
 * MLlib's Word2Vec since SPARK-24666), its Adam moments their mean, its catch-up step the
 * largest. Whole tables are copied to and from Java arrays once per round.
 */
final class RoundRows {
  private RoundRows() {}

  static RoundUpdate.Rows of(boolean[] touched, int[] applied, EmbeddingTable... sideTables) {
    List<EmbeddingTable> tables = present(sideTables);
    int count = 0;
    for (boolean t : touched) {
      count += t ? 1 : 0;
    }
    int[] rows = new int[count];
    for (int r = 0, k = 0; r < touched.length; r++) {
      if (touched[r]) {
        rows[k++] = r;
      }
    }
    int stride = stride(tables);
    float[] values = new float[count * stride];
    int offset = 0;
    for (EmbeddingTable t : tables) {
      int w = t.width();
      float[][] arrays = {t.weights().data().asFloat(), t.m().data().asFloat(), t.v().data().asFloat()};
      for (float[] a : arrays) {
        for (int k = 0; k < count; k++) {
          System.arraycopy(a, rows[k] * w, values, k * stride + offset, w);
        }
        offset += w;
      }
    }
    int[] steps = new int[applied == null ? 0 : count];
    for (int k = 0; k < steps.length; k++) {
      steps[k] = applied[rows[k]];
    }
    return new RoundUpdate.Rows(rows, values, steps);
  }

  /** No rows (a side a worker does not report this round). */
  static RoundUpdate.Rows none() {
    return new RoundUpdate.Rows(new int[0], new float[0], new int[0]);
  }

  /** Sets the given rows of one side's tables (weights, moments, catch-up steps) to {@code rows}' values. */
  static void overwrite(RoundUpdate.Rows rows, int[] applied, EmbeddingTable... sideTables) {
    List<EmbeddingTable> tables = present(sideTables);
    int stride = stride(tables);
    int[] index = rows.rows();
    if (index.length == 0) {
      return;
    }
    int offset = 0;
    for (EmbeddingTable t : tables) {
      int w = t.width();
      for (org.nd4j.linalg.api.ndarray.INDArray target : new org.nd4j.linalg.api.ndarray.INDArray[] {t.weights(), t.m(), t.v()}) {
        float[] a = target.data().asFloat();
        for (int k = 0; k < index.length; k++) {
          System.arraycopy(rows.values(), k * stride + offset, a, index[k] * w, w);
        }
        target.assign(Nd4j.create(a, target.shape(), 'c'));
        offset += w;
      }
    }
    if (applied != null) {
      for (int k = 0; k < index.length; k++) {
        applied[index[k]] = rows.applied()[k];
      }
    }
  }

  static void merge(List<RoundUpdate.Rows> workers, boolean sumDeltas, int[] applied, EmbeddingTable... sideTables) {
    if (workers.stream().allMatch(w -> w.rows().length == 0)) {
      return;
    }
    List<EmbeddingTable> tables = present(sideTables);
    int numRows = tables.get(0).rows();
    int stride = stride(tables);
    float[] sum = new float[numRows * stride];
    int[] touchedBy = new int[numRows];
    for (RoundUpdate.Rows w : workers) {
      int[] rows = w.rows();
      for (int k = 0; k < rows.length; k++) {
        int r = rows[k];
        touchedBy[r]++;
        for (int x = 0; x < stride; x++) {
          sum[r * stride + x] += w.values()[k * stride + x];
        }
        if (applied != null) {
          applied[r] = touchedBy[r] == 1 ? w.applied()[k] : Math.max(applied[r], w.applied()[k]);
        }
      }
    }
    int offset = 0;
    for (EmbeddingTable t : tables) {
      int width = t.width();
      org.nd4j.linalg.api.ndarray.INDArray[] targets = {t.weights(), t.m(), t.v()};
      for (int j = 0; j < targets.length; j++) {
        org.nd4j.linalg.api.ndarray.INDArray target = targets[j];
        // weights: the sum of the workers' moves (sum - (c - 1) base) or their mean; moments: the mean
        boolean addMoves = sumDeltas && j == 0;
        float[] a = target.data().asFloat();
        for (int r = 0; r < numRows; r++) {
          int c = touchedBy[r];
          if (c > 0) {
            for (int x = 0; x < width; x++) {
              float total = sum[r * stride + offset + x];
              a[r * width + x] = addMoves ? total - (c - 1) * a[r * width + x] : total / c;
            }
          }
        }
        target.assign(Nd4j.create(a, target.shape(), 'c'));
        offset += width;
      }
    }
  }

  /**
   * The sum of the arrays' moves away from {@code base} (sum - (n - 1) base), or their
   * element-wise mean when {@code base} is null; summed in the order given.
   */
  static float[] combine(List<float[]> arrays, float[] base) {
    float[] m = new float[arrays.get(0).length];
    for (float[] a : arrays) {
      if (a.length != m.length) {
        throw new IllegalArgumentException("rounds of different architectures: " + a.length + " and " + m.length + " values");
      }
      for (int i = 0; i < m.length; i++) {
        m[i] += a[i];
      }
    }
    int n = arrays.size();
    for (int i = 0; i < m.length; i++) {
      m[i] = base == null ? m[i] / n : m[i] - (n - 1) * base[i];
    }
    return m;
  }

  private static List<EmbeddingTable> present(EmbeddingTable... tables) {
    List<EmbeddingTable> out = new ArrayList<>();
    for (EmbeddingTable t : tables) {
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private static int stride(List<EmbeddingTable> tables) {
    return tables.stream().mapToInt(t -> 3 * t.width()).sum();
  }
}
