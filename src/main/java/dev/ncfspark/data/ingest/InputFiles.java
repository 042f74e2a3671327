package dev.ncfspark.data.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Finds input files through Hadoop's FileSystem, so local paths and s3a:// URIs work alike. */
final class InputFiles {
  private InputFiles() {}

  /** The data files of a file or folder (hidden files, _SUCCESS and .crc left out), sorted by name. */
  static List<String> list(Configuration conf, String fileOrFolder) {
    try {
      Path path = new Path(fileOrFolder);
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new IngestException(fileOrFolder, 0, "no such file or folder");
      }
      List<String> files = new ArrayList<>();
      if (fs.getFileStatus(path).isFile()) {
        files.add(path.toString());
      } else {
        for (FileStatus s : fs.listStatus(path)) {
          String name = s.getPath().getName();
          if (s.isFile() && !name.startsWith(".") && !name.startsWith("_") && !name.endsWith(".crc")) {
            files.add(s.getPath().toString());
          }
        }
      }
      files.sort(String::compareTo);
      if (files.isEmpty()) {
        throw new IngestException(fileOrFolder, 0, "no data files in this folder");
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + fileOrFolder, e);
    }
  }

  /** The first existing file among {@code names} in {@code folder}. */
  static Optional<String> find(Configuration conf, String folder, String... names) {
    try {
      FileSystem fs = new Path(folder).getFileSystem(conf);
      for (String name : names) {
        Path p = new Path(folder, name);
        if (fs.exists(p)) {
          return Optional.of(p.toString());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
  }
}
