package dev.ncfspark.cli;

import dev.ncfspark.data.synthetic.SyntheticMovieLensGenerator;
import dev.ncfspark.data.synthetic.SyntheticSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: the deterministic synthetic ML-20M-format dataset, without Spark. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a synthetic ML-20M-format dataset (ratings.csv, movies.csv).")
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--scale", defaultValue = "1.0", description = "1.0 = ML-20M size (20,000,263 ratings). Default: ${DEFAULT-VALUE}.")
  double scale;

  @Option(names = "--seed", defaultValue = "2015", description = "Generator seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws IOException {
    SyntheticMovieLensGenerator.Summary s = new SyntheticMovieLensGenerator(new SyntheticSpec(scale, seed)).writeTo(out);
    System.out.printf("%,d users, %,d items, %,d ratings -> %s%n", s.users(), s.items(), s.ratings(), s.ratingsFile());
    return 0;
  }
}
