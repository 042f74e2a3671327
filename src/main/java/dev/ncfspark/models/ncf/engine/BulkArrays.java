package dev.ncfspark.models.ncf.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float and int arrays written to and read from a data stream in blocks, as big-endian values
 * (the {@link DataOutputStream} layout), not one call per element: {@code Nd4j.write} and {@code
 * DataInputStream.readFloat} went through the stream a value at a time, and restoring the
 * broadcast model that way took a third of a second per worker and epoch at ML-20M size.
 */
public final class BulkArrays {
  private static final int BLOCK = 1 << 16;

  private BulkArrays() {}

  /** Writes the length, then the values. */
  public static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeLong(values.length);
    writeBlocks(out, values.length, (buf, at, n) -> buf.asFloatBuffer().put(values, at, n));
  }

  /** Writes an array's values in its own order ({@code c} for every array here), as {@link #writeFloats}. */
  public static void writeFloats(DataOutputStream out, INDArray values) throws IOException {
    if (values.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("expected a float array, found " + values.dataType());
    }
    writeFloats(out, values.dup('c').data().asFloat());
  }

  /** Reads what {@link #writeFloats} wrote; {@code expected} values (any number if negative), else says what was found for {@code what}. */
  public static float[] readFloats(DataInputStream in, long expected, String what) throws IOException {
    long n = in.readLong();
    if (expected >= 0 && n != expected) {
      throw new IllegalArgumentException(what + ": " + n + " values where " + expected + " were expected (another architecture?)");
    }
    float[] values = new float[Math.toIntExact(n)];
    readBlocks(in, values.length, (buf, at, k) -> buf.asFloatBuffer().get(values, at, k));
    return values;
  }

  /** Reads what {@link #writeFloats} wrote into {@code target} (its shape, order c). */
  public static void readInto(DataInputStream in, INDArray target, String what) throws IOException {
    target.assign(Nd4j.create(readFloats(in, target.length(), what), target.shape(), 'c'));
  }

  /** Writes the length, then the values. */
  public static void writeInts(DataOutputStream out, int[] values) throws IOException {
    out.writeInt(values.length);
    writeBlocks(out, values.length, (buf, at, n) -> buf.asIntBuffer().put(values, at, n));
  }

  /** Reads what {@link #writeInts} wrote into {@code into}, whose length it must have. */
  public static void readInts(DataInputStream in, int[] into, String what) throws IOException {
    int n = in.readInt();
    if (n != into.length) {
      throw new IllegalArgumentException(what + ": " + n + " rows where " + into.length + " were expected");
    }
    readBlocks(in, n, (buf, at, k) -> buf.asIntBuffer().get(into, at, k));
  }

  /** Moves values {@code [at, at + n)} of an array between it and a buffer of {@code 4 n} bytes. */
  private interface Block {
    void move(ByteBuffer buf, int at, int n);
  }

  private static void writeBlocks(DataOutputStream out, int length, Block fill) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 * BLOCK);
    for (int at = 0; at < length; at += BLOCK) {
      int n = Math.min(BLOCK, length - at);
      buf.clear();
      fill.move(buf, at, n);
      out.write(buf.array(), 0, 4 * n);
    }
  }

  private static void readBlocks(DataInputStream in, int length, Block drain) throws IOException {
    byte[] bytes = new byte[4 * BLOCK];
    for (int at = 0; at < length; at += BLOCK) {
      int n = Math.min(BLOCK, length - at);
      in.readFully(bytes, 0, 4 * n);
      drain.move(ByteBuffer.wrap(bytes, 0, 4 * n), at, n);
    }
  }
}
