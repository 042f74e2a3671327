package dev.ncfspark.pipeline;

import dev.ncfspark.config.ModelsConfig;
import dev.ncfspark.io.NpyReader;
import dev.ncfspark.models.ModelDefinition;
import dev.ncfspark.models.ncf.NcfGraphs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The side inputs of the train stage's models that use side information (vbpr, neumf-features),
 * read from the features stage's NumPy exports (row k = dense id k): the configured item
 * modalities side by side, and the users' demographics where the model takes them and the source
 * has them. Read in the driver: the matrices are the catalogue's size, and they become frozen
 * tables of the model, which reaches the executors with it.
 */
final class SideInputsReader {
  private SideInputsReader() {}

  /** The side inputs of {@code model}, or null for a model without any. */
  static NcfGraphs.SideInputs read(StageContext ctx, ModelDefinition model, int numUsers, int numItems) {
    ModelsConfig models = ctx.config().models();
    return switch (model) {
      case VBPR -> new NcfGraphs.SideInputs(items(ctx, model, numItems), models.vbpr().featureFactors(), null, 0, models.vbpr().factors());
      case NEUMF_FEATURES -> {
        ModelsConfig.NeumfFeatures f = models.neumfFeatures();
        INDArray users = f.userDemographics() && ctx.run().exists(FeaturesStage.USER_DEMOGRAPHICS_NPY)
            ? matrix(ctx, FeaturesStage.USER_DEMOGRAPHICS_NPY, numUsers, "the user demographics") : null;
        yield new NcfGraphs.SideInputs(items(ctx, model, numItems), f.itemProjection(), users, f.userProjection(), 0);
      }
      default -> null;
    };
  }

  /** What the manifest says of a model's side inputs. */
  static Map<String, Object> details(ModelDefinition model, ModelsConfig models, NcfGraphs.SideInputs side) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("item_modalities", models.itemModalities(model));
    d.put("item_feature_width", side.itemFeatures().columns());
    d.put("user_feature_width", side.userFeatures() == null ? 0 : side.userFeatures().columns());
    return d;
  }

  /** The export a modality's item vectors are in. */
  static String npyPath(String modality) {
    return switch (modality) {
      case ModelsConfig.TEXT -> FeaturesStage.TEXT_NPY;
      case ModelsConfig.GENRES -> FeaturesStage.ITEM_GENRES_NPY;
      default -> FeaturesStage.modalityNpy(modality);
    };
  }

  private static INDArray items(StageContext ctx, ModelDefinition model, int numItems) {
    List<INDArray> parts = new ArrayList<>();
    for (String modality : ctx.config().models().itemModalities(model)) {
      INDArray m = matrix(ctx, npyPath(modality), numItems, "modality " + modality + " of models." + model.configName());
      if (m.columns() == 0) {
        throw new IllegalArgumentException("models." + model.configName() + ".modalities: " + modality + " has no columns in "
            + ctx.run().path(npyPath(modality)) + " (a source without item genres has none)");
      }
      parts.add(m);
    }
    return parts.size() == 1 ? parts.get(0) : Nd4j.hstack(parts.toArray(INDArray[]::new));
  }

  private static INDArray matrix(StageContext ctx, String path, int rows, String what) {
    byte[] bytes = ctx.run().readBytes(path).orElseThrow(() -> new IllegalStateException(what + ": the features stage wrote no "
        + ctx.run().path(path) + " (is features.enabled true, and the modality configured?)"));
    NpyReader.Matrix m = NpyReader.matrix(bytes, ctx.run().path(path));
    if (m.rows() != rows) {
      throw new IllegalStateException(what + ": " + ctx.run().path(path) + " has " + m.rows() + " rows where the id index has " + rows
          + " (written by another run?)");
    }
    if (m.columns() == 0) {
      return Nd4j.zeros(DataType.FLOAT, rows, 0);
    }
    return Nd4j.create(m.values(), new long[] {m.rows(), m.columns()}, 'c');
  }
}
