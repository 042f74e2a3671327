package dev.ncfspark.cli;

import dev.ncfspark.data.ingest.IngestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The ncf-spark command line: {@code run} runs everything; {@code prepare} the data preparation;
 * {@code evaluate} the baselines, evaluation and report; {@code ingest},
 * {@code filter}, {@code index}, {@code features}, {@code split}, {@code negatives} and {@code train} run one stage; {@code
 * generate} writes the synthetic dataset; {@code download} fetches a MovieLens archive; {@code
 * config} prints the resolved experiment.
 */
@Command(name = "ncf-spark", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Neural Collaborative Filtering on Apache Spark.",
    subcommands = {RunCommand.class, PrepareCommand.class, EvaluateCommand.class, StageCommand.Ingest.class, StageCommand.Filter.class, StageCommand.Index.class,
        StageCommand.Features.class, StageCommand.Split.class, StageCommand.Negatives.class, StageCommand.Train.class, GenerateCommand.class, DownloadCommand.class, ConfigCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line (also used by tests to parse arguments). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          Throwable cause = e;
          while (cause.getCause() != null && !(cause instanceof IngestException) && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
          }
          if (cause instanceof IngestException || cause instanceof IllegalArgumentException
              || cause instanceof IllegalStateException || cause instanceof com.typesafe.config.ConfigException) {
            cmd.getErr().println("ncf-spark: " + cause.getMessage());
            return 2;
          }
          throw e;
        });
  }

  /** Prints the project version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ncf-spark " + (v == null ? "dev" : v)};
    }
  }
}
