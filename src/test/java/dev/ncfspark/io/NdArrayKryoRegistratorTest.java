package dev.ncfspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

/** ND4J arrays (and DL4J's minibatches holding them) survive Spark's Kryo serializer with the registrator, and do not without it. */
class NdArrayKryoRegistratorTest {
  private static SerializerInstance kryo(String registrator) {
    SparkConf conf = new SparkConf(false).set("spark.kryo.registrationRequired", "false");
    if (registrator != null) {
      conf.set("spark.kryo.registrator", registrator);
    }
    return new KryoSerializer(conf).newInstance();
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(SerializerInstance s, T value) {
    ByteBuffer bytes = s.serialize(value, ClassTag$.MODULE$.AnyRef());
    return (T) s.deserialize(bytes, ClassTag$.MODULE$.AnyRef());
  }

  @Test
  void arraysViewsAndMinibatchesRoundTrip() {
    SerializerInstance s = kryo(NdArrayKryoRegistrator.class.getName());
    INDArray matrix = Nd4j.rand(DataType.FLOAT, 7, 5);
    assertEquals(matrix, roundTrip(s, matrix));
    INDArray column = matrix.get(NDArrayIndex.all(), NDArrayIndex.point(3)); // a strided view of the matrix's buffer
    assertTrue(column.isView());
    INDArray copy = roundTrip(s, column);
    assertEquals(column, copy);
    assertArrayEquals(new long[] {7}, copy.shape());
    INDArray ids = Nd4j.createFromArray(3L, 1L, 4L);
    assertEquals(DataType.LONG, ((INDArray) roundTrip(s, ids)).dataType());
    assertEquals(ids, roundTrip(s, ids));

    MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {Nd4j.createFromArray(new float[][] {{1}, {2}}), Nd4j.createFromArray(new float[][] {{5}, {6}})},
        new INDArray[] {Nd4j.createFromArray(new float[][] {{1}, {0}})});
    MultiDataSet back = roundTrip(s, batch);
    assertEquals(batch.getFeatures(1), back.getFeatures(1));
    assertEquals(batch.getLabels(0), back.getLabels(0));
  }

  @Test
  void sparseEngineExampleBlocksRoundTrip() {
    SerializerInstance s = kryo(NdArrayKryoRegistrator.class.getName());
    dev.ncfspark.models.ncf.NcfBatches.ExampleBlock block =
        new dev.ncfspark.models.ncf.NcfBatches.ExampleBlock(new int[] {4, 2, 0}, new int[] {1, 7, 0}, new float[] {1, 0, 0}, 2, true);
    dev.ncfspark.models.ncf.NcfBatches.ExampleBlock back = roundTrip(s, block);
    assertArrayEquals(block.users(), back.users());
    assertArrayEquals(block.items(), back.items());
    assertArrayEquals(block.labels(), back.labels());
    assertEquals(2, back.size());
    assertTrue(back.endsPartition());
  }

  @Test
  void withCommaSeparatedRegistratorsToo() {
    SerializerInstance s = kryo(OtherRegistrator.class.getName() + "," + NdArrayKryoRegistrator.class.getName());
    INDArray a = Nd4j.linspace(1, 5, 5);
    assertEquals(a, roundTrip(s, a));
  }

  /** Stands for another registrator in the list (RAPIDS' GpuKryoRegistrator on GPU clusters). */
  public static final class OtherRegistrator implements org.apache.spark.serializer.KryoRegistrator {
    @Override
    public void registerClasses(com.esotericsoftware.kryo.Kryo kryo) {
      kryo.register(java.util.UUID.class);
    }
  }

  @Test
  void withoutTheRegistratorKryoLosesTheOffHeapData() {
    SerializerInstance s = kryo(null);
    INDArray a = Nd4j.linspace(1, 5, 5);
    boolean intact;
    try {
      intact = a.equals(roundTrip(s, a));
    } catch (RuntimeException e) {
      intact = false; // what DL4J's SparkUtils.checkKryoConfiguration sees and refuses to train with
    }
    assertNotEquals(true, intact);
  }
}
