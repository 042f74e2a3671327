package dev.ncfspark.cli;

import dev.ncfspark.pipeline.RunPipeline;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: fit the baselines and evaluate every model on the prepared run, then the report. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Fit and evaluate the models on a prepared run (same split, same negatives); write metrics, recommendations, report.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Option(names = "--force", description = "Recompute even if finished with the same config.")
  boolean force;

  @Override
  public Integer call() {
    return PrepareCommand.runStages(experiment.load(), new LinkedHashSet<>(RunPipeline.EVALUATE), force);
  }
}
