package dev.ncfspark.models.ncf.engine;

import java.util.Arrays;

/**
 * The distinct rows of one embedding table that a minibatch touches, and which of them each
 * example uses: the bookkeeping that lets gradients be summed per row (duplicates first) and
 * Adam update only those rows. Built in O(batch) with a per-table slot array, no sort and no
 * hashing; distinct rows are listed in order of first appearance, so the result is deterministic.
 */
public final class RowGroups {
  private final int tableRows;
  private final int[] slotOfRow;
  private int[] rows = new int[0];
  private int[] groupOfExample = new int[0];
  private int count;
  private int examples;

  public RowGroups(int tableRows) {
    this.tableRows = tableRows;
    this.slotOfRow = new int[tableRows];
    Arrays.fill(slotOfRow, -1);
  }

  /** Groups the first {@code n} ids; forgets the previous minibatch. */
  public RowGroups assign(int[] ids, int n) {
    for (int s = 0; s < count; s++) {
      slotOfRow[rows[s]] = -1;
    }
    if (rows.length < n) {
      rows = new int[n];
      groupOfExample = new int[n];
    }
    count = 0;
    examples = n;
    for (int i = 0; i < n; i++) {
      int r = ids[i];
      if (r < 0 || r >= tableRows) {
        throw new IllegalArgumentException("embedding row " + r + " outside the table's 0.." + (tableRows - 1));
      }
      int s = slotOfRow[r];
      if (s < 0) {
        s = count++;
        slotOfRow[r] = s;
        rows[s] = r;
      }
      groupOfExample[i] = s;
    }
    return this;
  }

  /** Distinct rows in the minibatch. */
  public int count() {
    return count;
  }

  /** Examples in the minibatch. */
  public int examples() {
    return examples;
  }

  /** Table row of distinct row {@code s}. */
  public int row(int s) {
    return rows[s];
  }

  /** Distinct-row index of example {@code i}. */
  public int group(int i) {
    return groupOfExample[i];
  }

  /** The distinct rows, a fresh array of {@link #count()} entries. */
  public int[] rows() {
    return Arrays.copyOf(rows, count);
  }

  /** Each example's distinct-row index, a fresh array of {@link #examples()} entries. */
  public int[] groups() {
    return Arrays.copyOf(groupOfExample, examples);
  }
}
