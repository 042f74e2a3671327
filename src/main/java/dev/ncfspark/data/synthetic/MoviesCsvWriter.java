package dev.ncfspark.data.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes movies.csv ({@code movieId,title,genres}) for every catalogue item in movieId order,
 * quoting a title with double quotes when it contains a comma or a quote, as ML-20M does.
 */
final class MoviesCsvWriter {
  static final String HEADER = "movieId,title,genres";

  private MoviesCsvWriter() {}

  static void write(MovieMetadata metadata, int items, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(HEADER);
      out.write('\n');
      for (int i = 0; i < items; i++) {
        MovieMetadata.Movie m = metadata.movie(i);
        out.write(Integer.toString(m.movieId()));
        out.write(',');
        out.write(quoteIfNeeded(m.title()));
        out.write(',');
        out.write(m.genres());
        out.write('\n');
      }
    }
  }

  static String quoteIfNeeded(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }
}
