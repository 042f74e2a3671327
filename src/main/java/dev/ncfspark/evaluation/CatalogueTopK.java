package dev.ncfspark.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;

import dev.ncfspark.data.Columns;
import dev.ncfspark.models.CatalogueScorer;
import dev.ncfspark.models.PairScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Full-ranking top-K lists computed per user on the executors: each user's scores over the whole
 * catalogue are written into one reused array and reduced to the K best with a bounded heap, so
 * the work is users x items scores but the data is users x K rows. The order is the one of the
 * pair-table path ({@link FullRankingEvaluator}): score descending (NaN as -Infinity), then
 * item_idx ascending; the user's training items are not candidates.
 */
final class CatalogueTopK {
  private CatalogueTopK() {}

  /**
   * (user_idx, item_idx, score, rank) for ranks 1..k of every user in {@code users}, over the items
   * 0..numItems-1 the user has no row of in {@code train}.
   */
  static Dataset<Row> topK(CatalogueScorer model, Dataset<Row> users, Dataset<Row> train, int numItems, int k) {
    Dataset<Row> seen = train.groupBy(Columns.USER_IDX).agg(collect_list(col(Columns.ITEM_IDX).cast("int")).as("_seen"));
    Dataset<Row> withSeen = users.select(col(Columns.USER_IDX).cast("int").as(Columns.USER_IDX))
        .join(seen, new String[] {Columns.USER_IDX}, "left");
    StructType schema = new StructType()
        .add(Columns.USER_IDX, DataTypes.IntegerType, false)
        .add(Columns.ITEM_IDX, DataTypes.IntegerType, false)
        .add(PairScorer.SCORE, DataTypes.DoubleType, false)
        .add(FullRankingEvaluator.RANK, DataTypes.IntegerType, false);
    CatalogueScorer.Opener opener = model.catalogueScores();
    return withSeen.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      List<Row> out = new ArrayList<>();
      if (!rows.hasNext()) {
        return out.iterator();
      }
      try (CatalogueScorer.UserScores scores = opener.open()) {
        UserLists lists = new UserLists(numItems, k);
        while (rows.hasNext()) {
          lists.rank(rows.next(), scores, out);
        }
      }
      return out.iterator();
    }, Encoders.row(schema));
  }

  /** The reused per-task buffers: one user's scores, its excluded items, and the heap. */
  static final class UserLists {
    private final double[] scores;
    private final boolean[] excluded;
    private final BoundedTopK heap;

    UserLists(int numItems, int k) {
      this.scores = new double[numItems];
      this.excluded = new boolean[numItems];
      this.heap = new BoundedTopK(k);
    }

    void rank(Row user, CatalogueScorer.UserScores model, List<Row> out) {
      int u = user.getInt(0);
      List<Integer> seen = user.isNullAt(1) ? List.of() : user.getList(1);
      for (int item : seen) {
        if (item >= 0 && item < excluded.length) {
          excluded[item] = true;
        }
      }
      model.scoreAll(u, scores);
      heap.clear();
      for (int i = 0; i < scores.length; i++) {
        if (!excluded[i]) {
          double s = scores[i];
          heap.offer(Double.isNaN(s) ? Double.NEGATIVE_INFINITY : s, i);
        }
      }
      for (int item : seen) {
        if (item >= 0 && item < excluded.length) {
          excluded[item] = false;
        }
      }
      int n = heap.drainBestFirst();
      for (int r = 0; r < n; r++) {
        out.add(RowFactory.create(u, heap.item(r), heap.score(r), r + 1));
      }
    }
  }

  /**
   * The K best (score, item) pairs offered, as a min-heap on "worse" = lower score, or equal score
   * and larger item; {@link #drainBestFirst} sorts them best first in place.
   */
  static final class BoundedTopK {
    private final double[] score;
    private final int[] item;
    private int size;

    BoundedTopK(int k) {
      this.score = new double[k];
      this.item = new int[k];
    }

    void clear() {
      size = 0;
    }

    void offer(double s, int i) {
      if (size < score.length) {
        score[size] = s;
        item[size] = i;
        siftUp(size++);
      } else if (score.length > 0 && worse(0, s, i)) {
        score[0] = s;
        item[0] = i;
        siftDown(0, size);
      }
    }

    /** Sorts the kept pairs best first and returns how many there are. */
    int drainBestFirst() {
      // heap sort: repeatedly move the worst to the end
      for (int end = size - 1; end > 0; end--) {
        swap(0, end);
        siftDown(0, end);
      }
      return size;
    }

    double score(int r) {
      return score[r];
    }

    int item(int r) {
      return item[r];
    }

    /** Whether the pair at heap position p is worse than (s, i). */
    private boolean worse(int p, double s, int i) {
      return score[p] < s || (score[p] == s && item[p] > i);
    }

    private boolean worse(int p, int q) {
      return worse(p, score[q], item[q]);
    }

    private void siftUp(int c) {
      while (c > 0) {
        int parent = (c - 1) / 2;
        if (!worse(c, parent)) {
          return;
        }
        swap(c, parent);
        c = parent;
      }
    }

    private void siftDown(int p, int n) {
      while (true) {
        int l = 2 * p + 1;
        if (l >= n) {
          return;
        }
        int w = l + 1 < n && worse(l + 1, l) ? l + 1 : l;
        if (!worse(w, p)) {
          return;
        }
        swap(p, w);
        p = w;
      }
    }

    private void swap(int a, int b) {
      double s = score[a];
      score[a] = score[b];
      score[b] = s;
      int i = item[a];
      item[a] = item[b];
      item[b] = i;
    }
  }
}
