package dev.ncfspark.data.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The values of one categorical attribute in a fixed order: value i is element i of the
 * attribute's one-hot (or multi-hot) float vector. Built from every value of the dataset, not only
 * those left after filtering, so a vector's layout does not depend on core-k. Integer codes (ML-1M's
 * occupations 0..20) are ordered by value, names by code point, so the same values always give
 * the same order.
 */
public record Vocabulary(String attribute, List<String> values) {
  private static final Comparator<String> ORDER = Comparator
      .<String, Long>comparing(Vocabulary::integerCode, Comparator.nullsLast(Comparator.<Long>naturalOrder()))
      .thenComparing(Comparator.<String>naturalOrder());

  public Vocabulary {
    values = List.copyOf(values);
  }

  /** The distinct non-empty values of the single string column of {@code values} (a small table: collected). */
  public static Vocabulary of(String attribute, Dataset<Row> values) {
    Column value = col("value");
    List<String> distinct = values.toDF("value").where(value.isNotNull().and(value.notEqual("")))
        .distinct().as(Encoders.STRING()).collectAsList();
    List<String> sorted = new ArrayList<>(distinct);
    sorted.sort(ORDER);
    return new Vocabulary(attribute, sorted);
  }

  public int size() {
    return values.size();
  }

  /** 1.0 at the position of {@code value} (a string column), 0.0 elsewhere; all zeros for null or an unknown value. */
  public Column oneHot(Column value) {
    return vector(v -> value.equalTo(v));
  }

  /** 1.0 at the position of every element of {@code elements} (an array of strings), 0.0 elsewhere; all zeros for null. */
  public Column multiHot(Column elements) {
    return vector(v -> array_contains(elements, v));
  }

  private Column vector(Function<String, Column> has) {
    if (values.isEmpty()) {
      return array(new Column[0]).cast(DataTypes.createArrayType(DataTypes.FloatType));
    }
    // a null test (null value or array) falls to otherwise: a zero, never a null element
    return array(values.stream().map(v -> when(has.apply(v), 1.0f).otherwise(0.0f)).toArray(Column[]::new));
  }

  private static Long integerCode(String value) {
    return value.matches("[0-9]{1,18}") ? Long.valueOf(value) : null;
  }
}
