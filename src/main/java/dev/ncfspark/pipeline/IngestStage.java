package dev.ncfspark.pipeline;

import dev.ncfspark.config.DatasetConfig;
import dev.ncfspark.data.Columns;
import dev.ncfspark.data.ingest.GenericSource;
import dev.ncfspark.data.ingest.IngestResult;
import dev.ncfspark.data.ingest.MovieLensSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 1: raw files into the canonical interactions table ({@code ingest/interactions}), with
 * item/user metadata and tag applications ({@code ingest/items}, {@code ingest/users}, {@code
 * ingest/tags}) when the source has them and unparsable lines in {@code ingest/rejected}.
 */
final class IngestStage extends PipelineStage {
  static final String NAME = "ingest";
  static final String INTERACTIONS = NAME + "/interactions";
  static final String REJECTED = NAME + "/rejected";
  static final String ITEMS = NAME + "/items";
  static final String USERS = NAME + "/users";
  static final String TAGS = NAME + "/tags";

  IngestStage() {
    super(NAME, "dataset");
  }

  @Override
  StageStats run(StageContext ctx) {
    DatasetConfig d = ctx.config().dataset();
    IngestResult result = switch (d.format()) {
      case GENERIC -> GenericSource.read(ctx.spark(), d.generic());
      case MOVIELENS -> MovieLensSource.read(ctx.spark(), d.path(), d.ratingsFile());
      case SYNTHETIC -> MovieLensSource.read(ctx.spark(), SyntheticInput.ensureGenerated(d.synthetic()).toUri().toString(), "");
    };
    result.failIfEmpty();
    // One parse writes the interactions. Every data line is an interaction or a rejected line, so
    // when as many interactions were written as there are data lines (counted apart, by a cheap
    // pass over the text), nothing was rejected; only otherwise are the lines parsed again for
    // the rejected ones (with their line numbers and text). Nothing is cached.
    ctx.write(result.interactions(), INTERACTIONS);
    long rejectedRows = result.dataRows() - ctx.read(INTERACTIONS).count();
    if (rejectedRows < 0) {
      throw new IllegalStateException("ingest wrote more interactions than the input has data lines (" + result.dataRows() + ")");
    }
    if (rejectedRows > 0 && d.badRows() == DatasetConfig.BadRows.FAIL) {
      ctx.run().delete(INTERACTIONS);
      result.failOnFirstBadLine();
    }
    ctx.write(rejectedRows > 0 ? result.rejected() : result.noRejected(), REJECTED);
    result.items().ifPresent(items -> ctx.write(items, ITEMS));
    result.users().ifPresent(users -> ctx.write(users, USERS));
    result.tags().ifPresent(tags -> ctx.write(tags, TAGS));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rejected_lines", rejectedRows);
    details.put("rating_mean", ctx.read(INTERACTIONS).agg(org.apache.spark.sql.functions.avg(Columns.RATING)).first().get(0));
    details.put("has_item_metadata", result.items().isPresent());
    details.put("has_user_metadata", result.users().isPresent());
    details.put("has_tags", result.tags().isPresent());
    return TableStats.of(ctx.read(INTERACTIONS), Columns.USER, Columns.ITEM, details);
  }

  /** The files ingest reads (for checksums and the fingerprint); generates the synthetic set first if needed. */
  static List<String> inputFiles(StageContext ctx) {
    DatasetConfig d = ctx.config().dataset();
    return switch (d.format()) {
      case GENERIC -> GenericSource.inputFiles(ctx.spark(), d.generic());
      case MOVIELENS -> MovieLensSource.inputFiles(ctx.spark(), d.path(), d.ratingsFile());
      case SYNTHETIC -> MovieLensSource.inputFiles(ctx.spark(), SyntheticInput.ensureGenerated(d.synthetic()).toUri().toString(), "");
    };
  }
}
