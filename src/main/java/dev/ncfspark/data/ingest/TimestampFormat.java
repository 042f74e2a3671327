package dev.ncfspark.data.ingest;

/**
 * How a timestamp field is written: Unix seconds, Unix milliseconds, or a Spark datetime pattern
 * read in the session time zone. Parses to Unix seconds (long), null when the text does not fit.
 */
record TimestampFormat(String spec) {
  static final String EPOCH_SECONDS = "epoch-seconds";
  static final String EPOCH_MILLIS = "epoch-millis";
  static final TimestampFormat EPOCH_SECONDS_FORMAT = new TimestampFormat(EPOCH_SECONDS);

  /** SQL expression parsing {@code textExpr} to Unix seconds. */
  String parseSql(String textExpr) {
    return switch (spec) {
      case EPOCH_SECONDS -> TypedParse.checkedCast(textExpr, "bigint");
      case EPOCH_MILLIS -> "cast(floor(" + TypedParse.checkedCast(textExpr, "bigint") + " / 1000) as bigint)";
      default -> "unix_seconds(try_to_timestamp(" + textExpr + ", " + TypedParse.quote(spec) + "))";
    };
  }

  String expectation() {
    return switch (spec) {
      case EPOCH_SECONDS -> "Unix seconds (an integer)";
      case EPOCH_MILLIS -> "Unix milliseconds (an integer)";
      default -> "a timestamp like '" + spec + "'";
    };
  }
}
