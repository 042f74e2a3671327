package dev.ncfspark.pipeline;

import dev.ncfspark.data.Checkpoints;
import dev.ncfspark.data.index.IdIndex;
import java.util.Map;

/** Stage 3: dense id maps {@code index/users} (user, user_idx) and {@code index/items} (item, item_idx). */
final class IndexStage extends PipelineStage {
  static final String NAME = "index";
  static final String USERS = NAME + "/users";
  static final String ITEMS = NAME + "/items";
  /** The ranked ids while the stage runs (deleted at its end). */
  private static final String CHECKPOINTS = NAME + "/_checkpoints";

  IndexStage() {
    super(NAME);
  }

  @Override
  StageStats run(StageContext ctx) {
    try (Checkpoints checkpoints = Checkpoints.in(ctx.spark(), ctx.run().path(CHECKPOINTS))) {
      IdIndex index = IdIndex.fit(ctx.read(FilterStage.INTERACTIONS), checkpoints);
      ctx.write(index.users(), USERS);
      ctx.write(index.items(), ITEMS);
    }
    long users = ctx.read(USERS).count();
    long items = ctx.read(ITEMS).count();
    return new StageStats(users + items, users, items, 0, Map.of());
  }

  static IdIndex load(StageContext ctx) {
    return new IdIndex(ctx.read(USERS), ctx.read(ITEMS));
  }
}
