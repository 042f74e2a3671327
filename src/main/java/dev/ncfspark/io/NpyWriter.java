package dev.ncfspark.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a float32 matrix as a NumPy {@code .npy} file, a row at a time, so that Python tools
 * ({@code numpy.load}: MMRec, Elliot, PyTorch code) read what the job computed without a Parquet
 * reader. Format version 1.0: the magic {@code \x93NUMPY}, the version bytes 1 0, the header length
 * as a little-endian uint16, then the header, a Python dict literal ({@code descr '<f4'}: little-endian
 * float32, C order, shape (rows, columns)) padded with spaces and ended by a newline so that the
 * data starts at a multiple of 64 bytes, as NumPy writes it; then the rows. The stream is not
 * closed here: its owner closes it.
 */
public final class NpyWriter {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy pads the header so that the data is aligned to this many bytes. */
  static final int ALIGNMENT = 64;
  /** Magic, two version bytes, the uint16 header length. */
  private static final int PREFIX = MAGIC.length + 2 + 2;

  private final OutputStream out;
  private final long rows;
  private final int columns;
  private final ByteBuffer row;
  private long written;

  private NpyWriter(OutputStream out, long rows, int columns) {
    this.out = out;
    this.rows = rows;
    this.columns = columns;
    this.row = ByteBuffer.allocate(Math.multiplyExact(columns, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Starts a {@code rows} x {@code columns} float32 matrix on {@code out} (writes the header). */
  public static NpyWriter float32(OutputStream out, long rows, int columns) throws IOException {
    if (rows < 0 || columns < 0) {
      throw new IllegalArgumentException("a matrix has rows >= 0 and columns >= 0, found " + rows + " x " + columns);
    }
    NpyWriter writer = new NpyWriter(out, rows, columns);
    out.write(header(rows, columns));
    return writer;
  }

  /** Appends the next row: exactly {@code columns} values, little-endian. */
  public void writeRow(float[] values) throws IOException {
    if (values.length != columns) {
      throw new IllegalArgumentException("row " + written + " has " + values.length + " values, the matrix " + columns + " columns");
    }
    if (written == rows) {
      throw new IllegalStateException("the matrix has " + rows + " rows: all are written");
    }
    row.clear();
    for (float v : values) {
      row.putFloat(v);
    }
    out.write(row.array(), 0, row.position());
    written++;
  }

  /** Flushes the stream; fails when fewer rows than the header's shape were written (NumPy would not load the file). */
  public void finish() throws IOException {
    out.flush();
    if (written != rows) {
      throw new IllegalStateException("wrote " + written + " of the " + rows + " rows the header declares");
    }
  }

  /** Magic, version 1.0, header length and the padded header dict of a rows x columns little-endian float32 C-order array. */
  static byte[] header(long rows, int columns) {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
    int unpadded = PREFIX + dict.length() + 1;
    int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
    int length = dict.length() + padding + 1;
    ByteBuffer header = ByteBuffer.allocate(PREFIX + length).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) length);
    header.put(dict.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < padding; i++) {
      header.put((byte) ' ');
    }
    header.put((byte) '\n');
    return header.array();
  }
}
