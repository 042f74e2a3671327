package dev.ncfspark.pipeline;

import dev.ncfspark.config.DatasetConfig.SyntheticConfig;
import dev.ncfspark.data.synthetic.SyntheticMovieLensGenerator;
import dev.ncfspark.data.synthetic.SyntheticSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The synthetic dataset as an input folder: generated once per (scale, seed) into a local folder
 * (written to a temporary folder, then renamed, so a killed generation is never mistaken for a
 * finished one) and reused afterwards.
 */
public final class SyntheticInput {
  private SyntheticInput() {}

  public static Path ensureGenerated(SyntheticConfig s) {
    Path folder = Path.of(s.dir(), folderName(s)).toAbsolutePath();
    if (Files.isRegularFile(folder.resolve("ratings.csv"))) {
      return folder;
    }
    Path tmp = folder.resolveSibling("." + folder.getFileName() + ".tmp");
    try {
      deleteRecursively(tmp);
      new SyntheticMovieLensGenerator(new SyntheticSpec(s.scale(), s.seed())).writeTo(tmp);
      Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot generate the synthetic dataset in " + folder, e);
    }
  }

  static String folderName(SyntheticConfig s) {
    return String.format(Locale.ROOT, "synthetic-ml20m-scale%s-seed%d", stripZeros(s.scale()), s.seed());
  }

  static String datasetName(SyntheticConfig s) {
    return String.format(Locale.ROOT, "synthetic-%s", stripZeros(s.scale()));
  }

  private static String stripZeros(double v) {
    return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
