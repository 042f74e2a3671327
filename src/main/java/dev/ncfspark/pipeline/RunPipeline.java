package dev.ncfspark.pipeline;

import dev.ncfspark.config.DatasetConfig;
import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.FeaturesConfig;
import dev.ncfspark.data.features.ExternalFeatures;
import dev.ncfspark.io.Checksums;
import dev.ncfspark.io.Checksums.FileChecksum;
import dev.ncfspark.io.Json;
import dev.ncfspark.io.RunFolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job: ingest, filter, index, features, split, negatives (data preparation), train (NCF), then evaluate and report,
 * in that order, in one run folder. A stage whose {@code _SUCCESS} marker holds the same fingerprint (its config sections,
 * the input checksums and the upstream fingerprints) is reused, not recomputed; a stage that runs
 * first deletes its folder and writes the marker last, so a half-written stage is never reused. A side
 * stage (features: no later stage reads it) has a fingerprint of its own but is no upstream of the next.
 */
public final class RunPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(RunPipeline.class);
  static final String MARKER = "_SUCCESS";
  /** At most one Spark progress line per this many milliseconds while a stage runs. */
  static final long PROGRESS_MILLIS = 15_000;

  /** The stages in pipeline order. */
  static final List<PipelineStage> STAGES = List.of(
      new IngestStage(), new FilterStage(), new IndexStage(), new FeaturesStage(), new SplitStage(), new NegativesStage(),
      new TrainStage(), new EvaluateStage(), new ReportStage());

  /** The data-preparation stages (the {@code prepare} command). */
  public static final List<String> PREPARE = List.of("ingest", "filter", "index", "features", "split", "negatives");
  /** NCF training (the {@code train} command). */
  public static final List<String> TRAIN = List.of("train");
  /** Baselines, evaluation and report (the {@code evaluate} command). */
  public static final List<String> EVALUATE = List.of("evaluate", "report");

  /** Names of the stages, in order. */
  public static List<String> stageNames() {
    return STAGES.stream().map(PipelineStage::name).toList();
  }

  private final SparkSession spark;
  private final ExperimentConfig config;

  public RunPipeline(SparkSession spark, ExperimentConfig config) {
    this.spark = spark;
    this.config = config;
  }

  /** What a pipeline run did: the run folder, and for each stage whether it ran or was reused, with its stats. */
  public record Outcome(String runPath, Map<String, String> status, Map<String, StageStats> stats) {}

  /**
   * Runs the stages in {@code only} (all when empty). A stage that is not asked for must already
   * be complete when a later one needs it; {@code force} recomputes the asked-for stages.
   */
  public Outcome run(Set<String> only, boolean force) {
    for (String name : only) {
      if (!stageNames().contains(name)) {
        throw new IllegalArgumentException("unknown stage '" + name + "': expected one of " + stageNames());
      }
    }
    String runId = runId(config);
    RunFolder run = new RunFolder(config.run().output().replaceAll("/+$", "") + "/" + runId, spark.sparkContext().hadoopConfiguration());
    StageContext ctx = new StageContext(spark, config, run, "");
    configureCheckpoints(run);
    RunManifest manifest = new RunManifest(runId, run.root(), config, spark.version());

    List<FileChecksum> inputs = new ArrayList<>();
    for (String file : IngestStage.inputFiles(ctx)) {
      inputs.add(Checksums.ofFile(file, spark.sparkContext().hadoopConfiguration()));
    }
    // the item feature files of other modalities decide the filter stage (required ones) and the
    // features stage: one entry per modality (a Ducho folder has a file per item)
    for (FeaturesConfig.ExternalModality m : config.features().external()) {
      List<FileChecksum> files = new ArrayList<>();
      for (String file : ExternalFeatures.files(spark, m)) {
        files.add(Checksums.ofFile(file, spark.sparkContext().hadoopConfiguration()));
      }
      inputs.add(files.size() == 1 ? files.get(0) : new FileChecksum(m.path(), files.stream().mapToLong(FileChecksum::bytes).sum(),
          Checksums.ofString(Json.write(files.stream().map(f -> f.file() + " " + f.sha256()).toList()))));
    }
    manifest.inputs(inputs);
    String upstream = Checksums.ofString(Json.write(inputs.stream().map(FileChecksum::sha256).toList()));

    Map<String, String> status = new LinkedHashMap<>();
    Map<String, StageStats> stats = new LinkedHashMap<>();
    for (PipelineStage stage : STAGES) {
      if (!only.isEmpty() && status.keySet().containsAll(only)) {
        break;
      }
      String fingerprint = fingerprint(stage, upstream);
      if (stage.feedsLaterStages()) {
        upstream = fingerprint;
      }
      boolean wanted = only.isEmpty() || only.contains(stage.name());
      Optional<StageStats> finished = finished(run, stage.name(), fingerprint);
      if (finished.isPresent() && !(wanted && force)) {
        LOG.info("stage {}: reused (same fingerprint {})", stage.name(), fingerprint.substring(0, 12));
        status.put(stage.name(), "reused");
        stats.put(stage.name(), finished.get());
        manifest.stage(stage.name(), "reused", fingerprint, finished.get());
        continue;
      }
      if (!wanted && !stage.feedsLaterStages()) {
        LOG.info("stage {}: not asked for and not finished; no later stage needs it", stage.name());
        continue;
      }
      if (!wanted) {
        throw new IllegalStateException("stage " + stage.name() + " has no finished output for this configuration (fingerprint "
            + fingerprint + ") in " + run.path(stage.name()) + ": run it first (or run `prepare`)");
      }
      LOG.info("stage {}: running", stage.name());
      stage.outputs().forEach(run::delete);
      long start = System.nanoTime();
      StageStats s;
      try (SparkProgress progress = SparkProgress.start(spark.sparkContext(), "stage " + stage.name(), PROGRESS_MILLIS)) {
        s = stage.run(ctx.forStage(fingerprint)).withSeconds((System.nanoTime() - start) / 1e9);
      }
      Map<String, Object> marker = new LinkedHashMap<>();
      marker.put("stage", stage.name());
      marker.put("fingerprint", fingerprint);
      marker.put("stats", s.toMap());
      run.writeText(stage.name() + "/" + MARKER, Json.write(marker));
      LOG.info("stage {}: {} rows, {} users, {} items in {} s", stage.name(), s.rows(), s.users(), s.items(),
          String.format(Locale.ROOT, "%.1f", s.seconds()));
      status.put(stage.name(), "ran");
      stats.put(stage.name(), s);
      manifest.stage(stage.name(), "ran", fingerprint, s);
      manifest.write(run);
    }
    manifest.write(run);
    return new Outcome(run.root(), status, stats);
  }

  /** The run id: {@code run.id} when set, else the dataset name and a hash of everything but the output paths. */
  public static String runId(ExperimentConfig config) {
    if (!config.run().id().isBlank()) {
      return config.run().id();
    }
    String hash = Checksums.ofString(config.raw().withoutPath("run.output").withoutPath("run.id").root()
        .render(com.typesafe.config.ConfigRenderOptions.concise())).substring(0, 10);
    return datasetName(config.dataset()) + "-" + hash;
  }

  static String datasetName(DatasetConfig d) {
    if (!d.name().isBlank()) {
      return d.name();
    }
    if (d.format() == DatasetConfig.Format.SYNTHETIC) {
      return SyntheticInput.datasetName(d.synthetic());
    }
    String path = d.format() == DatasetConfig.Format.MOVIELENS ? d.path() : d.generic().path();
    String base = path.replaceAll("/+$", "");
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\.[A-Za-z0-9]+$", "");
    return base.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private String fingerprint(PipelineStage stage, String upstream) {
    StringBuilder text = new StringBuilder(stage.name()).append('\n').append(upstream);
    for (String section : stage.configSections()) {
      text.append('\n').append(section).append('=').append(config.sectionJson(section));
    }
    text.append(stage.fingerprintExtras(config));
    return Checksums.ofString(text.toString());
  }

  private static Optional<StageStats> finished(RunFolder run, String stage, String fingerprint) {
    return run.readText(stage + "/" + MARKER)
        .map(Json::readMap)
        .filter(m -> fingerprint.equals(m.get("fingerprint")))
        .map(m -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> s = (Map<String, Object>) m.get("stats");
          return StageStats.fromMap(s);
        });
  }

  private void configureCheckpoints(RunFolder run) {
    String dir = config.checkpointDir();
    if (dir.isBlank() && !spark.sparkContext().isLocal()) {
      dir = run.path("_checkpoints");
    }
    if (!dir.isBlank()) {
      spark.sparkContext().setCheckpointDir(dir);
    }
  }
}
