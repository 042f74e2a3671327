package dev.ncfspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** SHA-256 of input files (through Hadoop, so s3a:// works) and of strings, as lowercase hex. */
public final class Checksums {
  private Checksums() {}

  /** A file's size and SHA-256. */
  public record FileChecksum(String file, long bytes, String sha256) {}

  public static FileChecksum ofFile(String file, Configuration conf) {
    Path p = new Path(file);
    MessageDigest digest = sha256();
    long bytes = 0;
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        bytes += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new FileChecksum(file, bytes, HexFormat.of().formatHex(digest.digest()));
  }

  public static String ofString(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
