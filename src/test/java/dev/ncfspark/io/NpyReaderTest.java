package dev.ncfspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One vector per .npy file, as Ducho writes them: float32 (1, d) from our own writer, float64 (d,) by hand, and what is refused. */
class NpyReaderTest {

  @Test
  void readsWhatNpyWriterWritesAndOneDimensionalDoubles() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyWriter w = NpyWriter.float32(out, 1, 3);
    w.writeRow(new float[] {1.5f, -2f, 0.25f});
    w.finish();
    assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, NpyReader.vector(out.toByteArray(), "a.npy"));
    assertArrayEquals(new float[] {3f, 4f}, NpyReader.vector(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 3.0, 4.0), "b.npy"));
  }

  @Test
  void readsAMatrixRowByRow() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyWriter w = NpyWriter.float32(out, 2, 3);
    w.writeRow(new float[] {1f, 2f, 3f});
    w.writeRow(new float[] {4f, 5f, 6f});
    w.finish();
    NpyReader.Matrix m = NpyReader.matrix(out.toByteArray(), "m.npy");
    assertEquals(2, m.rows());
    assertEquals(3, m.columns());
    assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, m.values());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyReader.matrix(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 3.0, 4.0), "v.npy"));
    assertTrue(e.getMessage().contains("v.npy") && e.getMessage().contains("expected a matrix"), e.getMessage());
  }

  @Test
  void refusesWhatIsNotOneLittleEndianFloatVector() {
    for (String[] c : new String[][] {
        {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "dtype '>f4'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", "shape (2, 2)"},
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", "Fortran order"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", "data bytes for 3 values"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyReader.vector(npy(c[0], 1.0, 2.0), "items/42.npy"));
      assertTrue(e.getMessage().startsWith("items/42.npy: ") && e.getMessage().contains(c[1]), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyReader.vector("not numpy at all".getBytes(StandardCharsets.US_ASCII), "x.npy"));
    assertTrue(e.getMessage().contains("x.npy") && e.getMessage().contains("magic"), e.getMessage());
  }

  /** A version 1.0 .npy of float64 values with {@code header} (as NumPy writes it, unpadded here). */
  private static byte[] npy(String header, double... values) {
    byte[] h = (header + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(NpyWriter.MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }
}
