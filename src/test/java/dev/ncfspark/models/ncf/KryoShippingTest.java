package dev.ncfspark.models.ncf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ncfspark.io.NdArrayKryoRegistrator;
import dev.ncfspark.models.ncf.engine.RoundSync;
import dev.ncfspark.models.ncf.engine.RoundUpdate;
import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * What distributed training broadcasts and collects survives Spark's Kryo serializer as the
 * cluster profiles configure it (conf/spark-cluster-*.properties): the workers' draws, the
 * rounds' updates and syncs. A cluster run once died broadcasting the draws ("Unable to create
 * serializer FieldSerializer for class InMemoryEpochExamples$Draws") while the tests' Java
 * serializer passed.
 */
class KryoShippingTest {
  private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf(false)
      .set("spark.kryo.registrator", NdArrayKryoRegistrator.class.getName())).newInstance();

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    ByteBuffer bytes = KRYO.serialize(value, ClassTag$.MODULE$.AnyRef());
    return (T) KRYO.deserialize(bytes, ClassTag$.MODULE$.AnyRef());
  }

  @Test
  void theWorkersDrawsRoundTrip() {
    TrainingPositives positives = TrainingPositives.of(new long[] {(1L << 32) | 2, 3, (2L << 32) | 1}, new long[] {(1L << 32) | 2, 3,
        (2L << 32) | 1, (2L << 32) | 3}, 3, 4);
    InMemoryEpochExamples.Draws draws = new InMemoryEpochExamples.Draws(positives, new int[] {0, 1, 1, 3}, 4, 42);
    InMemoryEpochExamples.Draws back = roundTrip(draws);
    assertEquals(4, back.perPositive());
    assertEquals(42, back.seed());
    assertArrayEquals(draws.slotItems(), back.slotItems());
    InMemoryEpochExamples original = new InMemoryEpochExamples(draws, 2);
    InMemoryEpochExamples shipped = new InMemoryEpochExamples(back, 2);
    assertEquals(original.size(), shipped.size());
    for (int w = 0; w < 2; w++) {
      NcfBatches.ExampleBlock a = original.share(w, 2);
      NcfBatches.ExampleBlock b = shipped.share(w, 2);
      assertArrayEquals(a.users(), b.users());
      assertArrayEquals(a.items(), b.items());
      assertArrayEquals(a.labels(), b.labels());
    }
  }

  @Test
  void roundUpdatesAndSyncsRoundTrip() {
    RoundUpdate.Rows rows = new RoundUpdate.Rows(new int[] {1, 5}, new float[] {0.5f, -1f, 2f, 3f}, new int[] {7, 9});
    RoundUpdate update = roundTrip(new RoundUpdate(12, rows, rows, new float[] {1, 2}, new float[] {3, 4, 5, 6}));
    assertEquals(12, update.steps());
    assertArrayEquals(rows.values(), update.items().values());
    assertArrayEquals(new float[] {3, 4, 5, 6}, update.denseState());
    RoundSync sync = roundTrip(new RoundSync(99, rows, new float[] {1}, new float[] {2}));
    assertEquals(99, sync.iteration());
    assertArrayEquals(rows.applied(), sync.items().applied());
  }
}
