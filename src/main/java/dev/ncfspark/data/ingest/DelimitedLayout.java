package dev.ncfspark.data.ingest;

import dev.ncfspark.config.DatasetConfig.GenericConfig.IdType;
import java.util.List;

/**
 * Where the interaction fields are in a delimited text file: separator, whether line 1 is a
 * header, the exact number of fields per line, the 0-based field of each canonical column (-1
 * when absent: rating defaults to 1.0, timestamp to 0), names used in error messages, the accepted
 * rating range (null: any number) and whether integer ids must be positive (MovieLens ids are).
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
    List<String> fieldNames,
    RatingRange ratingRange,
    boolean positiveIds) {

  /** A MovieLens ratings file: positive integer ids, ratings on the file's {@code scale}. */
  static DelimitedLayout movieLens(String separator, boolean hasHeader, List<String> names, RatingRange scale) {
    return new DelimitedLayout(separator, hasHeader, 4, 0, 1, 2, 3, IdType.LONG, TimestampFormat.EPOCH_SECONDS_FORMAT, names, scale, true);
  }

  String fieldName(int field) {
    return field < fieldNames.size() ? fieldNames.get(field) : "field " + (field + 1);
  }

  /** The separator as people write it in messages. */
  String printableSeparator() {
    return separator.equals("\t") ? "\\t (tab)" : separator;
  }
}
