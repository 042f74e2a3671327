package dev.ncfspark.models.ncf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained NCF model's embedding tables as Datasets, one row per dense id: {@code (user_idx,
 * gmf, mlp)} and {@code (item_idx, gmf, mlp)}, each embedding an array of floats (null for a
 * tower the model does not have) — for nearest-neighbour search, serving or analysis.
 */
public final class EmbeddingTables {
  private EmbeddingTables() {}

  public static Dataset<Row> users(SparkSession spark, ComputationGraph net) {
    return table(spark, net, "user_idx", NcfGraphs.GMF_USER, NcfGraphs.MLP_USER);
  }

  public static Dataset<Row> items(SparkSession spark, ComputationGraph net) {
    return table(spark, net, "item_idx", NcfGraphs.GMF_ITEM, NcfGraphs.MLP_ITEM);
  }

  private static Dataset<Row> table(SparkSession spark, ComputationGraph net, String id, String gmfLayer, String mlpLayer) {
    INDArray gmf = net.getConfiguration().getVertices().containsKey(gmfLayer) ? net.getParam(gmfLayer + "_W") : null;
    INDArray mlp = net.getConfiguration().getVertices().containsKey(mlpLayer) ? net.getParam(mlpLayer + "_W") : null;
    long rows = (gmf != null ? gmf : mlp).rows();
    List<Row> out = new ArrayList<>((int) rows);
    for (int i = 0; i < rows; i++) {
      out.add(RowFactory.create(i, vector(gmf, i), vector(mlp, i)));
    }
    StructType schema = new StructType()
        .add(id, DataTypes.IntegerType, false)
        .add("gmf", DataTypes.createArrayType(DataTypes.FloatType, false), true)
        .add("mlp", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    return spark.createDataFrame(out, schema);
  }

  private static float[] vector(INDArray table, int row) {
    return table == null ? null : table.getRow(row).toFloatVector();
  }
}
