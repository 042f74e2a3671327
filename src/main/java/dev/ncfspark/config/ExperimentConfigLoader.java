package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads an experiment: the embedded defaults ({@code conf/default.conf}, packaged as
 * {@code dev/ncfspark/default.conf}), then an optional experiment file, then {@code key=value} overrides,
 * later layers winning. System properties and environment variables are deliberately not merged,
 * so a run depends only on what is written down.
 */
public final class ExperimentConfigLoader {
  public static final String DEFAULTS_RESOURCE = "dev/ncfspark/default.conf";

  private ExperimentConfigLoader() {}

  public static ExperimentConfig load(Optional<Path> file, List<String> overrides) {
    Config merged = ConfigFactory.parseResourcesAnySyntax(DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
    if (file.isPresent()) {
      Path p = file.get();
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("config file not found: " + p.toAbsolutePath());
      }
      merged = ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(merged);
    }
    for (String override : overrides) {
      merged = parseOverride(override).withFallback(merged);
    }
    return ExperimentConfig.from(merged.resolve());
  }

  /** Parses one {@code key=value} override; the value is HOCON ({@code [0.8,0.1,0.1]}, quoted strings...). */
  static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--set expects key=value, found '" + override + "'");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    // Structured values ([..], {..}, "..") and numbers/booleans are HOCON; anything else is
    // taken as a plain string, so s3a://bucket/x (where HOCON would see a // comment) is safe.
    boolean hocon = value.matches("^[\\[{\"].*") || value.matches("-?[0-9.eE+-]+|true|false|null");
    String literal = hocon ? value : com.typesafe.config.ConfigUtil.quoteString(value);
    Config parsed = ConfigFactory.parseString(key + " = " + literal,
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription("--set " + key));
    Config defaults = ConfigFactory.parseResourcesAnySyntax(DEFAULTS_RESOURCE);
    if (!defaults.hasPathOrNull(key)) {
      throw new IllegalArgumentException("--set " + key + ": unknown configuration key (see conf/default.conf)");
    }
    return parsed;
  }
}
