package dev.ncfspark.models.ncf;

import dev.ncfspark.io.Json;
import dev.ncfspark.io.RunFolder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Per-epoch training checkpoints of one model in a run folder (local, HDFS or s3a://): the latest
 * parameters with the optimizer state ({@code last.zip}, as the training engine writes them), the
 * best model so far ({@code best.zip}, a DL4J graph) and the
 * training state ({@code state.json}: epoch, curves, early-stopping counters), written in that
 * order so that a state file always refers to complete model files. A job killed and restarted
 * with the same configuration resumes after the last completed epoch.
 */
public final class NcfCheckpoints {
  private final RunFolder run;
  private final String folder;

  /** {@code folder}: the model's checkpoint folder inside the run (it should name the training configuration). */
  public NcfCheckpoints(RunFolder run, String folder) {
    this.run = run;
    this.folder = folder;
  }

  /** What a checkpoint remembers besides the weights. */
  public record State(int epoch, int bestEpoch, double bestScore, int epochsWithoutImprovement, boolean finished,
      List<Map<String, Object>> epochs) {}

  /** {@code last}: the engine's checkpoint bytes (parameters and optimizer state); {@code best}: the best model so far. */
  public void save(byte[] last, ComputationGraph best, State state) {
    run.writeBytes(folder + "/last.zip", last);
    if (best != null && state.bestEpoch() == state.epoch()) {
      run.writeBytes(folder + "/best.zip", bytes(best, false));
    }
    run.writeText(folder + "/state.json", Json.write(Map.of(
        "epoch", state.epoch(), "best_epoch", state.bestEpoch(), "best_score", state.bestScore(),
        "epochs_without_improvement", state.epochsWithoutImprovement(), "finished", state.finished(), "epochs", state.epochs())));
  }

  @SuppressWarnings("unchecked")
  public Optional<State> state() {
    return run.readText(folder + "/state.json").map(Json::readMap).map(m -> new State(
        ((Number) m.get("epoch")).intValue(), ((Number) m.get("best_epoch")).intValue(), ((Number) m.get("best_score")).doubleValue(),
        ((Number) m.get("epochs_without_improvement")).intValue(), (Boolean) m.get("finished"),
        (List<Map<String, Object>>) m.get("epochs")));
  }

  /** The last completed epoch's checkpoint bytes (parameters and optimizer state, to continue training). */
  public byte[] last() {
    return run.readBytes(folder + "/last.zip").orElseThrow(() -> new IllegalStateException("no checkpoint " + lastPath()));
  }

  /** Where {@link #last} is read from, for messages. */
  public String lastPath() {
    return run.path(folder + "/last.zip");
  }

  /** The best model so far: the best validation HR@K, or the lowest training loss without validation. */
  public ComputationGraph best() {
    return restore("best.zip", false);
  }

  /** Forgets every checkpoint (a finished model's are no longer needed). */
  public void delete() {
    run.delete(folder);
  }

  private ComputationGraph restore(String name, boolean withUpdater) {
    String path = folder + "/" + name;
    return restore(run.readBytes(path).orElseThrow(() -> new IllegalStateException("no checkpoint " + run.path(path))),
        withUpdater, run.path(path));
  }

  /** A model from its DL4J zip bytes; {@code source} names them in errors. */
  public static ComputationGraph restore(byte[] bytes, boolean withUpdater, String source) {
    try {
      return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model " + source, e);
    }
  }

  /** A model as a DL4J zip, with or without its updater (Adam moments). */
  public static byte[] bytes(ComputationGraph net, boolean withUpdater) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, out, withUpdater);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
