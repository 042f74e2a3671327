package dev.ncfspark.cli;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.pipeline.RunPipeline;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prepare}: the data-preparation stages, reusing the ones already finished for this config. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Ingest, filter (implicit + core-k), index, features, split and sample negatives into one run folder.")
final class PrepareCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Option(names = "--stages", split = ",", paramLabel = "STAGE",
      description = "Only these stages (upstream ones must be finished): ingest,filter,index,features,split,negatives.")
  List<String> stages = List.of();

  @Option(names = "--force", description = "Recompute the selected stages even if finished with the same config.")
  boolean force;

  @Override
  public Integer call() {
    return runStages(experiment.load(), new LinkedHashSet<>(stages.isEmpty() ? RunPipeline.PREPARE : stages), force);
  }

  /** Runs {@code stages} (empty: all) in a new SparkSession and prints one line per stage and where the results are. */
  static int runStages(ExperimentConfig config, Set<String> stages, boolean force) {
    SparkSession spark = SparkSessions.create("ncf-spark " + RunPipeline.runId(config));
    try {
      RunPipeline.Outcome outcome = new RunPipeline(spark, config).run(stages, force);
      outcome.stats().forEach((name, s) -> System.out.printf("%-10s %-7s rows=%,d users=%,d items=%,d %.1fs%n",
          name, outcome.status().get(name), s.rows(), s.users(), s.items(), s.seconds()));
      System.out.println("Results: " + outcome.runPath());
      System.out.println("Manifest: " + outcome.runPath() + "/manifest.json");
      if (outcome.status().containsKey("report")) {
        System.out.println("Report: " + outcome.runPath() + "/report/index.html");
      }
      return 0;
    } finally {
      spark.stop();
    }
  }
}
