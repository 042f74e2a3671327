package dev.ncfspark.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one vector from a NumPy {@code .npy} file, as feature extractors such as Ducho write them
 * (one file per item): a float32 or float64 array, little-endian, of shape (d,) or (1, d), in C
 * order. Anything else is an error that names the file and what was expected.
 */
public final class NpyReader {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /** The vector in {@code bytes}, the content of the file {@code name} (named in errors). */
  public static float[] vector(byte[] bytes, String name) {
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
    long d = length(group(SHAPE, header, name, "shape"), name);
    int width = descr.equals("<f4") ? Float.BYTES : Double.BYTES;
    int data = start + headerLength;
    if ((long) bytes.length - data != d * width) {
      throw error(name, (bytes.length - data) + " data bytes for " + d + " values of " + width + " bytes");
    }
    float[] v = new float[(int) d];
    for (int i = 0; i < v.length; i++) {
      v[i] = width == Float.BYTES ? b.getFloat(data + i * width) : (float) b.getDouble(data + i * width);
    }
    return v;
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < NpyWriter.MAGIC.length; i++) {
      if (bytes[i] != NpyWriter.MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The number of values of a shape (d,) or (1, d). */
  private static long length(String shape, String name) {
    String[] dims = shape.replace(" ", "").split(",");
    if (dims.length == 1 && !dims[0].isEmpty()) {
      return Long.parseLong(dims[0]);
    }
    if (dims.length == 2 && dims[0].equals("1")) {
      return Long.parseLong(dims[1]);
    }
    throw error(name, "shape (" + shape + ") (expected one vector: (d,) or (1, d))");
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
