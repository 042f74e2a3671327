package dev.ncfspark.models.ncf.engine;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link EmbeddingKernels} from ND4J operations only — row pulls, an unsorted segment sum, element-wise
 * Adam on the gathered rows and in-place scatters back — so the same training code runs on the
 * CUDA backend. No operation touches more than the minibatch's rows.
 */
public final class Nd4jOpKernels implements EmbeddingKernels {
  @Override
  public void gather(EmbeddingTable table, int[] rows, int n, INDArray out, int column) {
    INDArray pulled = Nd4j.pullRows(table.weights(), 1, java.util.Arrays.copyOf(rows, n));
    out.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + table.width())).assign(pulled);
  }

  @Override
  public void update(EmbeddingTable table, RowGroups groups, INDArray grads, int column, AdamStep step) {
    int d = table.width();
    int[] rows = groups.rows();
    INDArray perExample = grads.get(NDArrayIndex.all(), NDArrayIndex.interval(column, column + d)).dup('c');
    INDArray g = Nd4j.exec(new UnsortedSegmentSum(perExample, Nd4j.createFromArray(groups.groups()), rows.length))[0];
    INDArray p = Nd4j.pullRows(table.weights(), 1, rows);
    INDArray m = Nd4j.pullRows(table.m(), 1, rows);
    INDArray v = Nd4j.pullRows(table.v(), 1, rows);
    if (step.l2() > 0) {
      g.addi(p.mul(step.l2()));
    }
    m.muli(step.beta1()).addi(g.mul(1 - step.beta1()));
    v.muli(step.beta2()).addi(g.mul(g).muli(1 - step.beta2()));
    p.subi(m.div(Transforms.sqrt(v, true).addi(step.epsilon())).muli(step.alphaT()));
    INDArray index = Nd4j.createFromArray(rows);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.weights(), index, p, 1);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.m(), index, m, 1);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.v(), index, v, 1);
  }

  @Override
  public void catchUp(EmbeddingTable table, int[] rows, int n, AdamCatchUp.Scalars catchUp, double epsilon) {
    int[] r = java.util.Arrays.copyOf(rows, n);
    INDArray p = Nd4j.pullRows(table.weights(), 1, r);
    INDArray m = Nd4j.pullRows(table.m(), 1, r);
    INDArray v = Nd4j.pullRows(table.v(), 1, r);
    catchUpPulled(p, m, v, n, catchUp, epsilon);
    INDArray index = Nd4j.createFromArray(r);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.weights(), index, p, 1);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.m(), index, m, 1);
    Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, table.v(), index, v, 1);
  }

  /** The missed steps of pulled rows [n x d], in place; the per-row constants are broadcast along each row. */
  private static void catchUpPulled(INDArray p, INDArray m, INDArray v, int n, AdamCatchUp.Scalars c, double epsilon) {
    INDArray scale = Nd4j.create(java.util.Arrays.copyOf(c.scale, n), new long[] {n, 1}, 'c');
    INDArray mDecay = Nd4j.create(java.util.Arrays.copyOf(c.mDecay, n), new long[] {n, 1}, 'c');
    INDArray vDecay = Nd4j.create(java.util.Arrays.copyOf(c.vDecay, n), new long[] {n, 1}, 'c');
    p.subi(m.div(Transforms.sqrt(v, true).addi(epsilon)).muliColumnVector(scale));
    m.muliColumnVector(mDecay);
    v.muliColumnVector(vDecay);
  }
}
