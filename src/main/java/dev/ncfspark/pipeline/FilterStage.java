package dev.ncfspark.pipeline;

import static org.apache.spark.sql.functions.lit;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.config.FeaturesConfig;
import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.features.ExternalFeatures;
import dev.ncfspark.data.filter.CoreKFilter;
import dev.ncfspark.data.filter.FilterOutcome;
import dev.ncfspark.data.filter.ImplicitFeedback;
import dev.ncfspark.data.filter.ModalityFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Stage 2: implicit feedback (duplicates resolved, optional rating threshold) then iterative
 * core-k to its fixpoint; with required item modalities ({@code features.external}), the items
 * without a vector of one of them are dropped before or after core-k. Output {@code
 * filter/interactions}; every removed row is in {@code filter/rejected} with its reason (and
 * core-k round).
 */
final class FilterStage extends PipelineStage {
  static final String NAME = "filter";
  static final String INTERACTIONS = NAME + "/interactions";
  static final String REJECTED = NAME + "/rejected";
  /** The rounds' tables while the stage runs (deleted at its end). */
  private static final String CHECKPOINTS = NAME + "/_checkpoints";

  FilterStage() {
    super(NAME, "implicit", "filter");
  }

  /** The modalities every kept item must have, and where they are required, decide what this stage keeps. */
  @Override
  String fingerprintExtras(ExperimentConfig config) {
    List<FeaturesConfig.ExternalModality> required = config.features().requiredModalities();
    return required.isEmpty() ? "" : "required-modalities=" + required + ";" + config.features().missingModality();
  }

  @Override
  StageStats run(StageContext ctx) {
    Map<String, Object> details = new LinkedHashMap<>();
    Map<String, ExternalFeatures.Vectors> modalities = requiredModalities(ctx);
    CoreKFilter.Result coreK;
    try (Checkpoints checkpoints = Checkpoints.in(ctx.spark(), ctx.run().path(CHECKPOINTS))) {
      FilterOutcome implicit = new ImplicitFeedback(ctx.config().implicitFeedback()).apply(ctx.read(IngestStage.INTERACTIONS), checkpoints);
      List<Dataset<Row>> rejected = new ArrayList<>(List.of(implicit.removed().withColumn(CoreKFilter.ROUND, lit(null).cast("int"))));
      Dataset<Row> kept = implicit.kept();
      boolean before = ctx.config().features().missingModality() == FeaturesConfig.MissingModality.BEFORE_CORE_K;
      if (!modalities.isEmpty() && before) {
        kept = withEveryModality(kept, modalities, rejected, details);
      }
      coreK = new CoreKFilter(ctx.config().coreK(), checkpoints).apply(kept);
      rejected.add(coreK.removed());
      kept = coreK.kept();
      if (!modalities.isEmpty() && !before) {
        kept = withEveryModality(kept, modalities, rejected, details);
      }
      ctx.write(kept, INTERACTIONS);
      ctx.write(rejected.stream().reduce(Dataset::unionByName).orElseThrow(), REJECTED);
      modalities.values().forEach(v -> v.table().unpersist());
    }

    details.put("rejected_by_reason", TableStats.countsBy(ctx.read(REJECTED), Columns.REASON));
    List<Map<String, Object>> rounds = new ArrayList<>();
    for (CoreKFilter.Round r : coreK.rounds()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("round", r.round());
      m.put("rows_before", r.rowsBefore());
      m.put("rows_removed", r.rowsRemoved());
      m.put("users_removed", r.usersRemoved());
      m.put("items_removed", r.itemsRemoved());
      rounds.add(m);
    }
    details.put("core_k_rounds", rounds);
    StageStats stats = TableStats.of(ctx.read(INTERACTIONS), Columns.USER, Columns.ITEM, details);
    if (stats.rows() == 0 && !modalities.isEmpty()) {
      throw new IllegalStateException("no interaction is left: no item has a vector of every required modality "
          + modalities.keySet() + " (features.external; see filter/rejected, reason " + ModalityFilter.REASON + ")");
    }
    return stats;
  }

  /** The vectors of each required modality (features.external with required = true), by name. */
  private static Map<String, ExternalFeatures.Vectors> requiredModalities(StageContext ctx) {
    Map<String, ExternalFeatures.Vectors> out = new LinkedHashMap<>();
    for (FeaturesConfig.ExternalModality m : ctx.config().features().requiredModalities()) {
      out.put(m.name(), ExternalFeatures.read(ctx.spark(), m));
    }
    return out;
  }

  /** {@code interactions} of the items with every modality; the others' rows go to {@code rejected}, counted in {@code details}. */
  private static Dataset<Row> withEveryModality(Dataset<Row> interactions, Map<String, ExternalFeatures.Vectors> modalities,
      List<Dataset<Row>> rejected, Map<String, Object> details) {
    Map<String, Dataset<Row>> items = new LinkedHashMap<>();
    modalities.forEach((name, v) -> items.put(name, v.table()));
    ModalityFilter.Result r = ModalityFilter.apply(interactions, items);
    rejected.add(r.outcome().removed().withColumn(CoreKFilter.ROUND, lit(null).cast("int")));
    details.put("required_modalities", List.copyOf(modalities.keySet()));
    details.put("items_lacking_a_modality", r.itemsLacking());
    details.put("items_dropped_for_missing_modalities", r.itemsDropped());
    return r.outcome().kept();
  }
}
