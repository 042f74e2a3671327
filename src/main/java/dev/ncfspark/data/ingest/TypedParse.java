package dev.ncfspark.data.ingest;

/**
 * Parsing with Spark's built-in functions, as SQL expressions over column names: a value that does
 * not fit becomes null instead of failing the task, so the row can be reported with its line and
 * column. Numbers are cast only after a regular expression has accepted their text, so the result
 * is the same with ANSI mode on or off, and the plan has no {@code try_cast} (which the RAPIDS
 * Accelerator leaves on the CPU; {@code rlike} and {@code cast} run on the GPU).
 */
final class TypedParse {
  /** An integer of at most 18 digits: it always fits a bigint (no overflow, whatever the ANSI mode). */
  private static final String INTEGER = "'^[+-]?[0-9]{1,18}$'";
  /** A decimal number, optionally with an exponent (no NaN or Infinity). */
  private static final String DECIMAL = "'^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$'";

  private TypedParse() {}

  /** {@code sqlExpr} (text) as a bigint or a double, null when its text is not one. */
  static String checkedCast(String sqlExpr, String sqlType) {
    String pattern = switch (sqlType) {
      case "bigint" -> INTEGER;
      case "double" -> DECIMAL;
      default -> throw new IllegalArgumentException("no checked cast to " + sqlType);
    };
    return "IF(" + sqlExpr + " rlike " + pattern + ", cast(" + sqlExpr + " as " + sqlType + "), null)";
  }

  /**
   * A typed column (Parquet) as {@code sqlType} (bigint, double or string): a plain cast where it
   * cannot fail or lose anything (integers to bigint, numbers to double, anything to string), the
   * checked cast of its text otherwise (a double id of 1.5 is no integer id: null, reported).
   */
  static String castColumn(String sqlExpr, org.apache.spark.sql.types.DataType from, String sqlType) {
    boolean integral = from instanceof org.apache.spark.sql.types.IntegerType || from instanceof org.apache.spark.sql.types.LongType
        || from instanceof org.apache.spark.sql.types.ShortType || from instanceof org.apache.spark.sql.types.ByteType;
    boolean numeric = from instanceof org.apache.spark.sql.types.NumericType;
    if (sqlType.equals("string") || (sqlType.equals("bigint") && integral) || (sqlType.equals("double") && numeric)) {
      return "cast(" + sqlExpr + " as " + sqlType + ")";
    }
    return checkedCast("cast(" + sqlExpr + " as string)", sqlType);
  }

  /** The i-th (0-based) element of an array column, trimmed; null when out of range. */
  static String field(String arrayColumn, int index) {
    return "trim(try_element_at(" + arrayColumn + ", " + (index + 1) + "))";
  }

  static String quote(String literal) {
    return "'" + literal.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
