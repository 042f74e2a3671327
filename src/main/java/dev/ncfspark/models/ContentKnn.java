package dev.ncfspark.models;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.data.Columns;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Content-based recommender on item vectors (the features stage's text embeddings): a user is the
 * rating-weighted mean of the vectors of their training items, and an item's score is the cosine
 * similarity of its vector with the user's. It knows nothing of other users, so it ranks an item
 * with few or no training interactions as well as a popular one: the side-information baseline.
 * Profiles are built and pairs scored on the executors; the item and user matrices are broadcast
 * (items x d and users x d floats: ML-20M's 138,493 users at 384 dimensions are 213 MB).
 * A user without profile, or an item without vector, scores NaN (ranked last).
 */
public final class ContentKnn implements CatalogueScorer {
  /** How a training item counts in its user's profile. */
  public enum Weight {
    /** By its rating (1.0 for every row of a table without ratings). */
    RATING,
    /** By its rating minus the user's mean rating: what the user rated below their average pushes the profile away. */
    CENTERED_RATING,
    /** Every training item alike. */
    ONE
  }

  private final Broadcast<Matrix> matrices;

  /** Unit-length rows (zeros: no vector) of the items and of the users' profiles, both {@code dimensions} wide. */
  record Matrix(float[] items, float[] users, int dimensions) implements java.io.Serializable {
    int numItems() {
      return items.length / dimensions;
    }

    int numUsers() {
      return users.length / dimensions;
    }

    /** Cosine of user u and item i; NaN when either has no vector or is outside the matrices. */
    double score(int u, int i) {
      if (u < 0 || u >= numUsers() || i < 0 || i >= numItems()) {
        return Double.NaN;
      }
      double dot = 0;
      boolean userSeen = false;
      boolean itemSeen = false;
      int a = u * dimensions;
      int b = i * dimensions;
      for (int k = 0; k < dimensions; k++) {
        float x = users[a + k];
        float y = items[b + k];
        userSeen |= x != 0f;
        itemSeen |= y != 0f;
        dot += (double) x * y;
      }
      return userSeen && itemSeen ? dot : Double.NaN;
    }
  }

  private ContentKnn(Broadcast<Matrix> matrices) {
    this.matrices = matrices;
  }

  /**
   * Builds the profiles of the users 0..numUsers-1 from {@code train} (user_idx, item_idx, rating)
   * and {@code itemVectors} (item_idx and the array column {@code vector}; a null vector is none).
   */
  public static ContentKnn fit(Dataset<Row> train, Dataset<Row> itemVectors, String vector, int numUsers, int numItems, Weight weight,
      boolean center) {
    SparkSession spark = train.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Row> vectors = itemVectors.select(col(Columns.ITEM_IDX).cast("int"), col(vector)).where(col(vector).isNotNull()).collectAsList();
    int d = vectors.isEmpty() ? 1 : vectors.get(0).getList(1).size();
    float[] items = new float[numItems * d];
    boolean[] present = new boolean[numItems];
    double[] centre = new double[d];
    for (Row r : vectors) {
      int i = r.getInt(0);
      List<Number> v = r.getList(1);
      if (v.size() != d) {
        throw new IllegalArgumentException(vector + " of item_idx " + i + " has " + v.size() + " values, expected " + d);
      }
      if (i >= 0 && i < numItems) {
        for (int k = 0; k < d; k++) {
          items[i * d + k] = v.get(k).floatValue();
        }
        unit(items, i * d, d);
        present[i] = true;
        for (int k = 0; k < d; k++) {
          centre[k] += items[i * d + k] / vectors.size();
        }
      }
    }
    if (center) {
      // every text is "Title. Genres: ...": their common direction would dominate every cosine
      for (int i = 0; i < numItems; i++) {
        if (present[i]) {
          for (int k = 0; k < d; k++) {
            items[i * d + k] -= (float) centre[k];
          }
          unit(items, i * d, d);
        }
      }
    }
    Broadcast<float[]> itemMatrix = jsc.broadcast(items);
    int dims = d;
    StructType schema = new StructType().add(Columns.USER_IDX, DataTypes.IntegerType, false)
        .add("profile", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    Dataset<Row> perUser = train.groupBy(col(Columns.USER_IDX).cast("int").as(Columns.USER_IDX))
        .agg(collect_list(col(Columns.ITEM_IDX).cast("int")).as("_items"),
            collect_list((weight == Weight.ONE ? lit(1.0) : col(Columns.RATING)).cast("double")).as("_weights"));
    boolean centred = weight == Weight.CENTERED_RATING;
    // the weighted sum of 384-wide vectors per user: as Spark SQL it would explode every training
    // row into 384 rows; here each user is one pass over its items' broadcast rows
    Dataset<Row> profiles = perUser.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      float[] m = itemMatrix.value();
      List<Row> out = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        List<Integer> its = r.getList(1);
        List<Double> ws = r.getList(2);
        double shift = 0;
        if (centred) {
          double mean = ws.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          // a user whose ratings are all equal (or a table without ratings): every item alike
          shift = ws.stream().allMatch(w -> Math.abs(w - mean) < 1e-9) ? mean - 1.0 : mean;
        }
        float[] p = new float[dims];
        for (int j = 0; j < its.size(); j++) {
          int i = its.get(j);
          if (i < 0 || (long) (i + 1) * dims > m.length) {
            continue;
          }
          double w = ws.get(j) - shift;
          for (int k = 0; k < dims; k++) {
            p[k] += (float) (w * m[i * dims + k]);
          }
        }
        unit(p, 0, dims);
        out.add(RowFactory.create(r.getInt(0), p));
      }
      return out.iterator();
    }, Encoders.row(schema));
    float[] users = new float[numUsers * d];
    for (Iterator<Row> it = profiles.toLocalIterator(); it.hasNext(); ) {
      Row r = it.next();
      int u = r.getInt(0);
      if (u >= 0 && u < numUsers) {
        List<Float> p = r.getList(1);
        for (int k = 0; k < d; k++) {
          users[u * d + k] = p.get(k);
        }
      }
    }
    itemMatrix.destroy();
    return new ContentKnn(jsc.broadcast(new Matrix(items, users, d)));
  }

  /** Scales row [from, from + n) of {@code m} to unit length in place (a zero row stays zero). */
  private static void unit(float[] m, int from, int n) {
    double norm = 0;
    for (int k = from; k < from + n; k++) {
      norm += (double) m[k] * m[k];
    }
    if (norm > 0) {
      double s = 1.0 / Math.sqrt(norm);
      for (int k = from; k < from + n; k++) {
        m[k] = (float) (m[k] * s);
      }
    }
  }

  @Override
  public Dataset<Row> score(Dataset<Row> pairs) {
    StructType schema = pairs.schema().add(SCORE, DataTypes.DoubleType, true);
    int userIndex = pairs.schema().fieldIndex(Columns.USER_IDX);
    int itemIndex = pairs.schema().fieldIndex(Columns.ITEM_IDX);
    Broadcast<Matrix> shared = matrices;
    return pairs.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> withScores(rows, shared.value(), userIndex, itemIndex),
        Encoders.row(schema));
  }

  /** {@code rows} with their score appended (static: an iterator class here must not capture the model). */
  private static Iterator<Row> withScores(Iterator<Row> rows, Matrix m, int userIndex, int itemIndex) {
    return new Iterator<Row>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        Object[] values = new Object[r.length() + 1];
        for (int c = 0; c < r.length(); c++) {
          values[c] = r.get(c);
        }
        values[r.length()] = r.isNullAt(userIndex) || r.isNullAt(itemIndex) ? Double.NaN
            : m.score(((Number) r.get(userIndex)).intValue(), ((Number) r.get(itemIndex)).intValue());
        return RowFactory.create(values);
      }
    };
  }

  @Override
  public Opener catalogueScores() {
    Broadcast<Matrix> shared = matrices;
    return () -> (user, out) -> {
      Matrix m = shared.value();
      for (int i = 0; i < out.length; i++) {
        out[i] = m.score(user, i);
      }
    };
  }
}
