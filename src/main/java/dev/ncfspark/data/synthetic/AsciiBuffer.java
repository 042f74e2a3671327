package dev.ncfspark.data.synthetic;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A growable byte buffer with allocation-free ASCII number formatting, for fast CSV rows. */
final class AsciiBuffer {
  private byte[] bytes;
  private int length;
  private final byte[] digits = new byte[20];

  AsciiBuffer(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  int length() {
    return length;
  }

  AsciiBuffer append(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  /** Appends a non-negative number in decimal. */
  AsciiBuffer append(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    int n = 0;
    do {
      digits[n++] = (byte) ('0' + value % 10);
      value /= 10;
    } while (value != 0);
    ensure(n);
    while (n > 0) {
      bytes[length++] = digits[--n];
    }
    return this;
  }

  /** Appends a rating given in half stars (1..10) as {@code 0.5} .. {@code 5.0}. */
  AsciiBuffer appendHalfStars(int halfStars) {
    append((long) (halfStars / 2));
    ensure(2);
    bytes[length++] = '.';
    bytes[length++] = (byte) ((halfStars & 1) == 0 ? '0' : '5');
    return this;
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, length);
  }

  private void ensure(int extra) {
    if (length + extra > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
    }
  }
}
