package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.ncfspark.models.ModelDefinition;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The executor-side scorer gives DL4J's own graph output for every known pair (and NaN for cold ones), over several partitions and batches. */
class NcfScorerTest {
  @ParameterizedTest
  @EnumSource(value = ModelDefinition.class, names = {"GMF", "MLP", "NEUMF"})
  void scoresAreTheGraphsOutput(ModelDefinition model) {
    SparkSession spark = SparkTestSession.get();
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=8")).models().ncf();
    ComputationGraph graph = NcfGraphs.create(model, cfg, 30, 20, 5);
    // move the parameters away from their initial values, so that every layer matters
    graph.params().addi(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, graph.params().shape()).subi(0.5).muli(0.4));
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 31; u++) {
      for (int i = 0; i < 21; i += 2) {
        rows.add(RowFactory.create(u, i)); // user 30 and item 20 are outside the tables
      }
    }
    StructType schema = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType);
    Dataset<Row> pairs = spark.createDataFrame(rows, schema).repartition(3);
    List<Row> scored;
    try (NcfScorer scorer = NcfScorer.of(spark, graph, 30, 20, 7, 1)) {
      scored = scorer.score(pairs).collectAsList();
    }
    assertEquals(rows.size(), scored.size());
    int known = 0;
    for (Row r : scored) {
      int u = r.getInt(0);
      int i = r.getInt(1);
      double score = r.getDouble(2);
      if (u >= 30 || i >= 20) {
        assertTrue(Double.isNaN(score), "cold pair " + u + "," + i);
        continue;
      }
      INDArray expected = graph.outputSingle(false, org.nd4j.linalg.factory.Nd4j.create(new float[] {u}, new long[] {1, 1}, 'c'),
          org.nd4j.linalg.factory.Nd4j.create(new float[] {i}, new long[] {1, 1}, 'c'));
      assertEquals(expected.getDouble(0), score, 1e-5, "pair " + u + "," + i);
      known++;
    }
    assertEquals(30 * 10, known);
  }
}
