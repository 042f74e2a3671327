package dev.ncfspark.data.ingest;

/**
 * ANSI-proof parsing with Spark's built-in try_* functions, as SQL expressions over column
 * names: a value that does not fit becomes null instead of failing the task, so the row can be
 * reported with its line and column.
 */
final class TypedParse {
  private TypedParse() {}

  static String tryCast(String sqlExpr, String sqlType) {
    return "try_cast(" + sqlExpr + " as " + sqlType + ")";
  }

  /** The i-th (0-based) element of an array column, trimmed; null when out of range. */
  static String field(String arrayColumn, int index) {
    return "trim(try_element_at(" + arrayColumn + ", " + (index + 1) + "))";
  }

  static String quote(String literal) {
    return "'" + literal.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
