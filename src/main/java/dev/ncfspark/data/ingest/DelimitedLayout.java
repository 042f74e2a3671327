package dev.ncfspark.data.ingest;

import dev.ncfspark.config.DatasetConfig.GenericConfig.IdType;
import java.util.List;

/**
 * Where the interaction fields are in a delimited text file: separator, whether line 1 is a
 * header, the exact number of fields per line, the 0-based field of each canonical column (-1
 * when absent: rating defaults to 1.0, timestamp to 0), and names used in error messages.
 */
record DelimitedLayout(
    String separator,
    boolean hasHeader,
    int fieldCount,
    int userField,
    int itemField,
    int ratingField,
    int timestampField,
    IdType idType,
    TimestampFormat timestampFormat,
    List<String> fieldNames) {

  static DelimitedLayout movieLens(String separator, boolean hasHeader, List<String> names) {
    return new DelimitedLayout(separator, hasHeader, 4, 0, 1, 2, 3, IdType.LONG, TimestampFormat.EPOCH_SECONDS_FORMAT, names);
  }

  String fieldName(int field) {
    return field < fieldNames.size() ? fieldNames.get(field) : "field " + (field + 1);
  }

  /** The separator as people write it in messages. */
  String printableSeparator() {
    return separator.equals("\t") ? "\\t (tab)" : separator;
  }
}
