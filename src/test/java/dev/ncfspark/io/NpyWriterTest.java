package dev.ncfspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The .npy format 1.0 as NumPy's format.py documents it, checked byte by byte (no Python needed). */
class NpyWriterTest {
  private static final Pattern DICT = Pattern.compile(
      "\\{'descr': '<f4', 'fortran_order': False, 'shape': \\((\\d+), (\\d+)\\), }( *)\n");

  @Test
  void theHeaderIsAlignedAndDeclaresTheShape() {
    long[][] shapes = {{0, 0}, {1, 1}, {943, 30}, {1_682, 19}, {26_744, 20}, {9_999_999_999L, 65_535}};
    for (long[] shape : shapes) {
      byte[] header = NpyWriter.header(shape[0], (int) shape[1]);
      String what = Arrays.toString(shape);
      assertEquals(0, header.length % 64, what + ": the data starts at a multiple of 64 bytes");
      assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}, Arrays.copyOf(header, 8), what + ": magic, version 1.0");
      int declared = ByteBuffer.wrap(header, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
      assertEquals(header.length - 10, declared, what + ": the little-endian uint16 is the length of the rest of the header");
      String dict = new String(header, 10, declared, StandardCharsets.US_ASCII);
      Matcher m = DICT.matcher(dict);
      assertTrue(m.matches(), what + ": " + dict);
      assertEquals(shape[0], Long.parseLong(m.group(1)), what);
      assertEquals(shape[1], Long.parseLong(m.group(2)), what);
      assertTrue(m.group(3).length() < 64, what + ": no more padding than alignment needs");
    }
  }

  @Test
  void rowsFollowTheHeaderAsLittleEndianFloat32InRowOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyWriter npy = NpyWriter.float32(out, 2, 3);
    npy.writeRow(new float[] {1f, 0f, -2.5f});
    npy.writeRow(new float[] {0.1f, Float.MAX_VALUE, 3f});
    npy.finish();
    byte[] bytes = out.toByteArray();
    int start = NpyWriter.header(2, 3).length;
    assertEquals(start + 2 * 3 * 4, bytes.length);
    ByteBuffer data = ByteBuffer.wrap(bytes, start, 24).order(ByteOrder.LITTLE_ENDIAN);
    float[] read = new float[6];
    for (int i = 0; i < 6; i++) {
      read[i] = data.getFloat();
    }
    assertArrayEquals(new float[] {1f, 0f, -2.5f, 0.1f, Float.MAX_VALUE, 3f}, read);
    assertEquals(0x3F, bytes[start + 3], "1.0f = 0x3F800000, least significant byte first");
  }

  @Test
  void aRowOfTheWrongLengthOrCountIsRefused() throws Exception {
    NpyWriter npy = NpyWriter.float32(new ByteArrayOutputStream(), 1, 2);
    assertThrows(IllegalArgumentException.class, () -> npy.writeRow(new float[3]));
    assertThrows(IllegalStateException.class, npy::finish, "no row written yet");
    npy.writeRow(new float[2]);
    assertThrows(IllegalStateException.class, () -> npy.writeRow(new float[2]), "one row more than the shape");
    npy.finish();
    assertThrows(IllegalArgumentException.class, () -> NpyWriter.float32(new ByteArrayOutputStream(), -1, 2));
  }
}
