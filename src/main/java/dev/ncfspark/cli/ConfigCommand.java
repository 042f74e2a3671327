package dev.ncfspark.cli;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.pipeline.RunPipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code config}: validates and prints the resolved experiment and its run id, without Spark. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Print the resolved experiment configuration and run id.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Override
  public Integer call() {
    ExperimentConfig c = experiment.load();
    System.out.println(c.toJson());
    System.out.println("run id: " + RunPipeline.runId(c));
    return 0;
  }
}
