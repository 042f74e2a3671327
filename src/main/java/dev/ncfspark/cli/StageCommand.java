package dev.ncfspark.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One stage alone; the stages before it must be finished in the same run folder. */
abstract class StageCommand implements Callable<Integer> {
  @Mixin ExperimentOptions experiment;

  @Option(names = "--force", description = "Recompute the stage even if finished with the same config.")
  boolean force;

  abstract String stage();

  @Override
  public Integer call() {
    return PrepareCommand.runStages(experiment.load(), Set.of(stage()), force);
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Raw files -> ingest/interactions (+ items, users, rejected).")
  static final class Ingest extends StageCommand {
    @Override
    String stage() {
      return "ingest";
    }
  }

  @Command(name = "filter", mixinStandardHelpOptions = true, description = "Implicit feedback + iterative core-k -> filter/interactions.")
  static final class Filter extends StageCommand {
    @Override
    String stage() {
      return "filter";
    }
  }

  @Command(name = "index", mixinStandardHelpOptions = true, description = "Dense id maps -> index/users, index/items.")
  static final class Index extends StageCommand {
    @Override
    String stage() {
      return "index";
    }
  }

  @Command(name = "features", mixinStandardHelpOptions = true,
      description = "Item and user side information by dense id -> features/ (genres, year, text, demographics; .npy exports).")
  static final class Features extends StageCommand {
    @Override
    String stage() {
      return "features";
    }
  }

  @Command(name = "split", mixinStandardHelpOptions = true, description = "Train/validation/test -> split/interactions (partitioned by split).")
  static final class Split extends StageCommand {
    @Override
    String stage() {
      return "split";
    }
  }

  @Command(name = "negatives", mixinStandardHelpOptions = true, description = "Evaluation and per-epoch training negatives -> negatives/.")
  static final class Negatives extends StageCommand {
    @Override
    String stage() {
      return "negatives";
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the enabled NCF models (GMF, MLP, NeuMF) on the executors -> train/ (models, embeddings, curves).")
  static final class Train extends StageCommand {
    @Override
    String stage() {
      return "train";
    }
  }
}
