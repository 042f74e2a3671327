package dev.ncfspark.cli;

import dev.ncfspark.pipeline.RunPipeline;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code evaluate}: fit the baselines and evaluate every model on the prepared run, then the report. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Fit and evaluate the models on a prepared run (same split, same negatives); write metrics, recommendations, report.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Option(names = "--stages", split = ",", paramLabel = "STAGE",
      description = "Only these stages (one Airflow task each): evaluate,report. Default: both.")
  List<String> stages = List.of();

  @Option(names = "--force", description = "Recompute even if finished with the same config.")
  boolean force;

  @Override
  public Integer call() {
    for (String s : stages) {
      if (!RunPipeline.EVALUATE.contains(s)) {
        throw new IllegalArgumentException("evaluate --stages: '" + s + "' is not one of " + RunPipeline.EVALUATE);
      }
    }
    return PrepareCommand.runStages(experiment.load(), new LinkedHashSet<>(stages.isEmpty() ? RunPipeline.EVALUATE : stages), force);
  }
}
