package dev.ncfspark.cli;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.ExperimentConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every experiment command shares: an experiment file and key=value overrides. */
final class ExperimentOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Experiment file (HOCON) layered over the embedded conf/default.conf.")
  Path config;

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set filter.user-k=20 (repeatable; wins over --config).")
  List<String> overrides = new ArrayList<>();

  ExperimentConfig load() {
    return ExperimentConfigLoader.load(Optional.ofNullable(config), overrides);
  }
}
