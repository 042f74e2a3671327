package dev.ncfspark.data.ingest;

/**
 * Input that cannot be read as interactions. The message always names the file, and the line
 * and column where there is one, and says what was expected and what was found.
 */
public class IngestException extends RuntimeException {
  private final String file;
  private final long line;

  public IngestException(String file, long line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem is about the whole file. */
  public long line() {
    return line;
  }
}
