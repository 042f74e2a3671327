package dev.ncfspark.io;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lets Spark's Kryo serializer ship ND4J arrays: the parameters, updater states and minibatches
 * that DL4J's training masters send between driver and executors. Kryo's default field-by-field
 * copy cannot carry an array's off-heap buffer, and ND4J's own registrator (nd4j-kryo) is not
 * published for the ND4J version this project uses. Arrays travel in ND4J's binary format
 * (shape, data type and data), so CPU and GPU backends read each other's arrays.
 *
 * <p>It also ships Java records, which Kryo's own field serializer cannot build on Java 17.
 *
 * <p>Set with {@code spark.kryo.registrator=dev.ncfspark.io.NdArrayKryoRegistrator}; Spark
 * accepts a comma-separated list, e.g. after RAPIDS' {@code GpuKryoRegistrator}.
 */
public final class NdArrayKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    // every INDArray implementation (CPU NDArray, CUDA JCublasNDArray, ...) is a subclass
    kryo.addDefaultSerializer(INDArray.class, new NdArraySerializer());
    // Java records (distributed training's draws, round updates and syncs): Kryo 4's field
    // serializer reads fields by Unsafe offsets, which Java 16+ refuses for records ("can't get
    // field offset on a record class"); Java serialization builds them through their constructor
    kryo.addDefaultSerializer(Record.class, new com.esotericsoftware.kryo.serializers.JavaSerializer());
  }

  /** One array as its length-prefixed ND4J binary form; views are copied to their own buffer first. */
  static final class NdArraySerializer extends Serializer<INDArray> {
    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
      byte[] bytes;
      try {
        bytes = Nd4j.toByteArray(array.isView() ? array.dup() : array);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e); // writes to memory: not expected
      }
      output.writeInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
      int length = input.readInt(true);
      return Nd4j.fromByteArray(input.readBytes(length));
    }
  }
}
