package dev.ncfspark.cli;

import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the whole job — preparation, baselines, evaluation, report — reusing finished stages. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "The whole job: prepare the data, fit and evaluate the models, write metrics, recommendations and the report.")
final class RunCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Option(names = "--force", description = "Recompute every stage even if finished with the same config.")
  boolean force;

  @Override
  public Integer call() {
    return PrepareCommand.runStages(experiment.load(), new LinkedHashSet<>(), force);
  }
}
