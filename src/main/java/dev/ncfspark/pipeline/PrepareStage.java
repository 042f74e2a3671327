package dev.ncfspark.pipeline;

import java.util.List;

/**
 * One data-preparation stage: reads its upstream outputs from the run folder, writes its own
 * Parquet outputs under {@code <run>/<name>/}, returns its statistics. I/O happens here; the
 * transformations are the Dataset-in, Dataset-out classes of {@code dev.ncfspark.data}.
 */
interface PrepareStage {
  String name();

  /** Config sections whose values change this stage's output (part of its fingerprint). */
  List<String> configSections();

  StageStats run(StageContext ctx);
}
