package dev.ncfspark.config;

import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** Which raw interaction data a run ingests and how to read it. */
public record DatasetConfig(
    String name,
    Format format,
    String path,
    String ratingsFile,
    BadRows badRows,
    SyntheticConfig synthetic,
    GenericConfig generic) {

  /** Whether interactions carry explicit rating values (a generic table without a rating column has only 1.0). */
  public boolean hasRatings() {
    return format != Format.GENERIC || !generic.ratingColumn().isBlank();
  }

  /** How the raw data is laid out. */
  public enum Format { MOVIELENS, GENERIC, SYNTHETIC }

  /** What a line that does not parse does: stop the job, or go to rejected/ingest. */
  public enum BadRows { FAIL, SKIP }

  /** The project's deterministic ML-20M-format generator: size, seed and where it writes. */
  public record SyntheticConfig(double scale, long seed, String dir) {}

  /** A user-item(-rating-time) table in CSV, TSV or Parquet with a column mapping. */
  public record GenericConfig(
      String path,
      FileFormat format,
      boolean header,
      String delimiter,
      String userColumn,
      String itemColumn,
      String ratingColumn,
      String timestampColumn,
      String timestampFormat,
      IdType idType,
      List<Double> ratingRange) {

    /** Generic source file format. */
    public enum FileFormat { CSV, TSV, PARQUET }

    /** Whether ids are integers (long) or kept as text. */
    public enum IdType { LONG, STRING }

    /** The field separator: a tab for TSV, else the configured delimiter. */
    public String separator() {
      return format == FileFormat.TSV ? "\t" : delimiter;
    }
  }

  static DatasetConfig from(Config c) {
    Format format = ConfigValues.enumValue(c, "format", Format.class);
    Config s = c.getConfig("synthetic");
    SyntheticConfig synthetic = new SyntheticConfig(
        ConfigValues.doubleIn(s, "scale", 1e-6, 10.0), s.getLong("seed"), s.getString("dir"));
    Config g = c.getConfig("generic");
    GenericConfig generic = new GenericConfig(
        g.getString("path"),
        ConfigValues.enumValue(g, "format", GenericConfig.FileFormat.class),
        g.getBoolean("header"),
        g.getString("delimiter"),
        g.getString("columns.user"),
        g.getString("columns.item"),
        g.getString("columns.rating"),
        g.getString("columns.timestamp"),
        g.getString("timestamp-format"),
        ConfigValues.enumValue(g, "id-type", GenericConfig.IdType.class),
        List.copyOf(g.getDoubleList("rating-range")));
    if (!generic.ratingRange().isEmpty()
        && (generic.ratingRange().size() != 2 || !(generic.ratingRange().get(0) <= generic.ratingRange().get(1)))) {
      throw new ConfigException.BadValue(g.origin(), "rating-range", "expected [] or [min, max] with min <= max, found "
          + generic.ratingRange());
    }
    if (generic.separator().isEmpty()) {
      throw new ConfigException.BadValue(g.origin(), "delimiter", "must not be empty");
    }
    String path = c.getString("path");
    if (format == Format.MOVIELENS && path.isBlank()) {
      throw new ConfigException.BadValue(c.origin(), "path", "dataset.format = movielens needs dataset.path (an unpacked MovieLens folder)");
    }
    if (format == Format.GENERIC && generic.path().isBlank()) {
      throw new ConfigException.BadValue(g.origin(), "path", "dataset.format = generic needs dataset.generic.path");
    }
    return new DatasetConfig(c.getString("name").trim(), format, path, c.getString("ratings-file").trim(),
        ConfigValues.enumValue(c, "bad-rows", BadRows.class), synthetic, generic);
  }
}
