package dev.ncfspark.pipeline;

import java.util.List;

/**
 * One data-preparation stage: reads its upstream outputs from the run folder, writes its own
 * Parquet outputs under {@code <run>/<name>/}, returns its statistics. I/O happens here; the
 * transformations are the Dataset-in, Dataset-out classes of {@code dev.ncfspark.data}.
 */
abstract class PipelineStage {
  private final String name;
  private final List<String> configSections;

  /** {@code configSections}: config paths whose values change this stage's output (part of its fingerprint). */
  PipelineStage(String name, String... configSections) {
    this.name = name;
    this.configSections = List.of(configSections);
  }

  final String name() {
    return name;
  }

  final List<String> configSections() {
    return configSections;
  }

  /** Folders of the run this stage writes (deleted before it runs); its own folder by default. */
  List<String> outputs() {
    return List.of(name);
  }

  /** Whatever else (beyond the config sections) decides this stage's output; nothing by default. */
  String fingerprintExtras(dev.ncfspark.config.ExperimentConfig config) {
    return "";
  }

  /**
   * Whether later stages read this stage's output (true by default). When not (a side output such
   * as the features), its fingerprint is not part of theirs, so changing its configuration recomputes
   * it alone, and a later stage run by itself does not need it finished.
   */
  boolean feedsLaterStages() {
    return true;
  }

  abstract StageStats run(StageContext ctx);
}
