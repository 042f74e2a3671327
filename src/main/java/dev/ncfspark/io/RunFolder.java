package dev.ncfspark.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run's folder, local or on any Hadoop file system (s3a://...). Stages write Parquet under
 * {@code <run>/<stage>/...}; small JSON files (markers, manifest) go through here.
 */
public final class RunFolder {
  private final Path root;
  private final Configuration conf;

  public RunFolder(String root, Configuration conf) {
    try {
      Path p = new Path(root);
      this.root = p.getFileSystem(conf).makeQualified(p);
    } catch (IOException e) {
      throw new UncheckedIOException("no file system for " + root, e);
    }
    this.conf = conf;
  }

  public String root() {
    return root.toString();
  }

  /** Absolute path of {@code relative} inside the run, as a string Spark readers accept. */
  public String path(String relative) {
    return new Path(root, relative).toString();
  }

  public boolean exists(String relative) {
    try {
      Path p = new Path(root, relative);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path(relative), e);
    }
  }

  public Optional<String> readText(String relative) {
    return readBytes(relative).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** The whole content of a (small) file, or empty when it does not exist. */
  public Optional<byte[]> readBytes(String relative) {
    Path p = new Path(root, relative);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(p)) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return Optional.of(out.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** Writes (replaces) a small text file. */
  public void writeText(String relative, String text) {
    writeBytes(relative, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes (replaces) a file. On a local or HDFS file system the bytes go to a temporary name first
   * and are renamed into place, so a reader never sees half a file; S3A makes the object visible
   * only when the upload completes.
   */
  public void writeBytes(String relative, byte[] bytes) {
    Path p = new Path(root, relative);
    try {
      FileSystem fs = p.getFileSystem(conf);
      boolean s3 = fs.getScheme().startsWith("s3");
      Path tmp = s3 ? p : new Path(p.getParent(), "." + p.getName() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(bytes);
      }
      if (!s3) {
        fs.delete(p, false);
        if (!fs.rename(tmp, p)) {
          throw new IOException("rename " + tmp + " -> " + p + " failed");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p, e);
    }
  }

  /** Copies a local folder (recursively) to {@code relative}, replacing what was there. */
  public void copyFromLocal(java.nio.file.Path localFolder, String relative) {
    Path target = new Path(root, relative);
    try {
      FileSystem fs = target.getFileSystem(conf);
      fs.delete(target, true);
      fs.copyFromLocalFile(false, true, new Path(localFolder.toUri()), target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + localFolder + " to " + target, e);
    }
  }

  /** Deletes a file or folder recursively (no-op when absent). */
  public void delete(String relative) {
    Path p = new Path(root, relative);
    try {
      p.getFileSystem(conf).delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p, e);
    }
  }
}
