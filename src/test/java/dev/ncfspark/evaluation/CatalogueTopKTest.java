package dev.ncfspark.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfigLoader;
import dev.ncfspark.config.NcfConfig;
import dev.ncfspark.models.AlsRanker;
import dev.ncfspark.models.CatalogueScorer;
import dev.ncfspark.models.MostPopular;
import dev.ncfspark.models.PairScorer;
import dev.ncfspark.models.ncf.NcfGraphs;
import dev.ncfspark.models.ncf.NcfScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/**
 * The per-user bounded top-K gives exactly the lists of the users x items pair table (same items,
 * ranks and scores, ties by item_idx, cold pairs last, training items excluded) for every model
 * that scores the whole catalogue, and the heap alone equals a full sort.
 */
class CatalogueTopKTest {
  private static final StructType PAIRS = new StructType().add("user_idx", DataTypes.IntegerType).add("item_idx", DataTypes.IntegerType);
  private static final int USERS = 30;
  private static final int ITEMS = 24;

  @Test
  void heapEqualsAFullSortWithTiesAndInfinities() {
    Random r = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(60);
      int k = 1 + r.nextInt(12);
      double[] s = new double[n];
      for (int i = 0; i < n; i++) {
        int kind = r.nextInt(10);
        s[i] = kind == 0 ? Double.NEGATIVE_INFINITY : r.nextInt(5) / 4.0; // many ties
      }
      CatalogueTopK.BoundedTopK heap = new CatalogueTopK.BoundedTopK(k);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        heap.offer(s[i], i);
        order.add(i);
      }
      order.sort(Comparator.<Integer>comparingDouble(i -> -s[i]).thenComparingInt(i -> i));
      int kept = heap.drainBestFirst();
      assertEquals(Math.min(k, n), kept);
      for (int rank = 0; rank < kept; rank++) {
        assertEquals(order.get(rank), heap.item(rank), "trial " + trial + " rank " + rank);
        assertEquals(s[order.get(rank)], heap.score(rank));
      }
    }
  }

  @Test
  void ncfListsEqualThePairTable() {
    SparkSession spark = SparkTestSession.get();
    NcfConfig cfg = ExperimentConfigLoader.load(Optional.empty(), List.of("models.ncf.factors=8")).models().ncf();
    // tables of USERS - 1 users and ITEMS - 4 items: the last user and 4 items of the catalogue are cold
    ComputationGraph graph = NcfGraphs.create(dev.ncfspark.models.ModelDefinition.NEUMF, cfg, USERS - 1, ITEMS - 4, 5);
    graph.params().addi(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, graph.params().shape())
        .subi(0.5).muli(0.4));
    try (NcfScorer scorer = NcfScorer.of(spark, graph, USERS - 1, ITEMS - 4, 7, 1)) {
      assertSameLists(spark, scorer);
    }
  }

  @Test
  void mostPopularAndAlsListsEqualThePairTable() {
    SparkSession spark = SparkTestSession.get();
    assertSameLists(spark, MostPopular.fit(train(spark)));
    assertSameLists(spark, AlsRanker.fit(train(spark), new AlsRanker.Params(4, 0.1, 2.0, 3), 7));
  }

  private static void assertSameLists(SparkSession spark, CatalogueScorer model) {
    FullRankingEvaluator evaluator = new FullRankingEvaluator(List.of(1, 5), 8);
    List<Row> userRows = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      userRows.add(RowFactory.create(u));
    }
    List<Row> itemRows = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      itemRows.add(RowFactory.create(i));
    }
    Dataset<Row> users = spark.createDataFrame(userRows, new StructType().add("user_idx", DataTypes.IntegerType)).repartition(3);
    Dataset<Row> items = spark.createDataFrame(itemRows, new StructType().add("item_idx", DataTypes.IntegerType));
    Dataset<Row> train = train(spark);
    List<Row> catalogue = sorted(evaluator.topK(model, users, items, train));
    List<Row> pairTable = sorted(evaluator.pairTableTopK((PairScorer) model, users, items, train));
    assertEquals(USERS * 8, catalogue.size());
    assertEquals(pairTable.size(), catalogue.size());
    for (int i = 0; i < catalogue.size(); i++) {
      Row a = catalogue.get(i);
      Row b = pairTable.get(i);
      String where = model.getClass().getSimpleName() + " user " + a.getInt(0) + " rank " + a.getInt(3);
      assertEquals(b.getInt(0), a.getInt(0), where);
      assertEquals(b.getInt(3), a.getInt(3), where);
      assertEquals(b.getInt(1), a.getInt(1), where);
      // the same model scored in batches of other shapes: the float sums may differ in the last bit
      assertEquals(b.getDouble(2), a.getDouble(2), 1e-6 * Math.max(1, Math.abs(b.getDouble(2))), where);
    }
    assertInstanceOf(CatalogueScorer.class, model);
  }

  private static List<Row> sorted(Dataset<Row> top) {
    return top.selectExpr("cast(user_idx as int) user_idx", "cast(item_idx as int) item_idx", "score", "cast(rank as int) rank")
        .orderBy("user_idx", "rank").collectAsList();
  }

  /** 5 training items per user (many popularity ties); item 23 is never trained. */
  private static Dataset<Row> train(SparkSession spark) {
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      java.util.Set<Integer> seen = new java.util.TreeSet<>();
      while (seen.size() < 5) {
        seen.add(r.nextInt(ITEMS - 1));
      }
      for (int i : seen) {
        rows.add(RowFactory.create(u, i));
      }
    }
    return spark.createDataFrame(rows, PAIRS);
  }
}
