package dev.ncfspark.config;

import com.typesafe.config.Config;

/** Where a run writes (local path or s3a:// URI), its id (empty: derived from the config) and its seed. */
public record RunConfig(String output, String id, long seed) {
  static RunConfig from(Config c) {
    return new RunConfig(c.getString("output"), c.getString("id").trim(), c.getLong("seed"));
  }
}
