package dev.ncfspark.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy {@code .npy} file: one vector, as feature extractors such as Ducho write them
 * (one file per item, shape (d,) or (1, d)), or a matrix such as the features stage's exports; a
 * float32 or float64 array, little-endian, in C order. Anything else is an error that names the
 * file and what was expected.
 */
public final class NpyReader {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /** The vector in {@code bytes}, the content of the file {@code name} (named in errors). */
  public static float[] vector(byte[] bytes, String name) {
    return read(bytes, name, shape -> shape.length == 1 || (shape.length == 2 && shape[0] == 1), "one vector: (d,) or (1, d)").values;
  }

  /** A float matrix read from a .npy file: row r is {@code values[r * columns, (r + 1) * columns)}. */
  public record Matrix(int rows, int columns, float[] values) {}

  /** The 2-d array in {@code bytes} (shape (rows, columns)), the content of the file {@code name}. */
  public static Matrix matrix(byte[] bytes, String name) {
    Array a = read(bytes, name, shape -> shape.length == 2, "a matrix: (rows, columns)");
    return new Matrix(Math.toIntExact(a.shape[0]), Math.toIntExact(a.shape[1]), a.values);
  }

  private record Array(long[] shape, float[] values) {}

  /** The array in {@code bytes}, whose shape must pass {@code shapeOk} ({@code expected} says what passes). */
  private static Array read(byte[] bytes, String name, java.util.function.Predicate<long[]> shapeOk, String expected) {
    if (bytes.length < 10 || !startsWithMagic(bytes)) {
      throw error(name, "not a NumPy .npy file (no \\x93NUMPY magic)");
    }
    int major = bytes[6] & 0xff;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength;
    int start;
    if (major == 1) {
      headerLength = b.getShort(8) & 0xffff;
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw error(name, "a truncated header");
      }
      headerLength = b.getInt(8);
      start = 12;
    } else {
      throw error(name, "format version " + major + " (expected 1, 2 or 3)");
    }
    if (headerLength < 0 || start + headerLength > bytes.length) {
      throw error(name, "a header longer than the file");
    }
    String header = new String(bytes, start, headerLength, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, name, "descr");
    if (!descr.equals("<f4") && !descr.equals("<f8")) {
      throw error(name, "dtype '" + descr + "' (expected little-endian float32 '<f4' or float64 '<f8')");
    }
    if (group(FORTRAN, header, name, "fortran_order").equals("True")) {
      throw error(name, "Fortran order (expected C order)");
    }
    String shapeText = group(SHAPE, header, name, "shape");
    long[] shape = shape(shapeText, name);
    if (!shapeOk.test(shape)) {
      throw error(name, "shape (" + shapeText + ") (expected " + expected + ")");
    }
    long d = 1;
    for (long x : shape) {
      d *= x;
    }
    int width = descr.equals("<f4") ? Float.BYTES : Double.BYTES;
    int data = start + headerLength;
    if (d > Integer.MAX_VALUE || (long) bytes.length - data != d * width) {
      throw error(name, (bytes.length - data) + " data bytes for " + d + " values of " + width + " bytes");
    }
    float[] v = new float[(int) d];
    for (int i = 0; i < v.length; i++) {
      v[i] = width == Float.BYTES ? b.getFloat(data + i * width) : (float) b.getDouble(data + i * width);
    }
    return new Array(shape, v);
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < NpyWriter.MAGIC.length; i++) {
      if (bytes[i] != NpyWriter.MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The dimensions of a shape such as "3," or "2, 5". */
  private static long[] shape(String shape, String name) {
    String[] dims = shape.replace(" ", "").split(",");
    try {
      long[] out = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        out[i] = Long.parseLong(dims[i]);
      }
      return out;
    } catch (NumberFormatException e) {
      throw error(name, "shape (" + shape + ") (expected integers)");
    }
  }

  private static String group(Pattern p, String header, String name, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw error(name, "a header without '" + key + "'");
    }
    return m.group(1);
  }

  private static IllegalArgumentException error(String name, String what) {
    return new IllegalArgumentException(name + ": " + what);
  }
}
