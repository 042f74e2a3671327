package dev.ncfspark.ops;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** The Java 17 flags Spark needs, from conf/java17.properties (the one list jobs/ and Maven use). */
final class JavaFlags {
  private JavaFlags() {}

  static String java17OpensLine() {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of("conf", "java17.properties"))) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("spark.java17.opens").trim();
  }

  static List<String> java17Opens() {
    return Arrays.asList(java17OpensLine().split("\\s+"));
  }
}
