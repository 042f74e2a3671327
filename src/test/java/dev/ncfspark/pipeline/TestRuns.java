package dev.ncfspark.pipeline;

import dev.ncfspark.SparkTestSession;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.ExperimentConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One shared ml-100k run folder for the pipeline tests (fixed run id, under target/), so the
 * preparation is computed once per suite and each test adds or checks its own stages.
 */
public final class TestRuns {
  public static final Path OUTPUT = Path.of("target", "test-runs").toAbsolutePath();

  static {
    // a fresh folder per test JVM: a run left by an earlier build must not be reused
    try {
      if (java.nio.file.Files.exists(OUTPUT)) {
        try (var walk = java.nio.file.Files.walk(OUTPUT)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            java.nio.file.Files.delete(p);
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TestRuns() {}

  /**
   * The baselines' evaluation on the shared run (with ALS's rank grid), the one configuration of
   * NotebooksTest, AlsGridSearchTest and EvaluateOnMl100kTest: the suite evaluates it once.
   */
  public static ExperimentConfig ml100kBaselines() {
    return ml100k("models.enabled=[most-pop, random, als, als-explicit, global-mean, frequency-random-rating]",
        "models.als.grid.rank=[2, 16]");
  }

  public static ExperimentConfig ml100k(String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "dataset.format=movielens",
        "dataset.path=" + SparkTestSession.sharedData("ml-100k").toAbsolutePath(),
        "run.output=" + OUTPUT,
        "run.id=ml100k-shared",
        "models.als.rank=16",
        "models.als.max-iter=10",
        "evaluation.full-ranking.users=300"));
    all.addAll(List.of(overrides));
    return ExperimentConfigLoader.load(Optional.empty(), all);
  }
}
