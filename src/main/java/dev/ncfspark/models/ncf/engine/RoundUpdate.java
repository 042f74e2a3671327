package dev.ncfspark.models.ncf.engine;

import java.io.Serializable;

/**
 * What one worker's round of data-parallel training changed, relative to the model every worker
 * of the round started from: the optimizer steps it took, the embedding rows it touched (with
 * their Adam moments and, with catch-up Adam, the step each was brought to) and its dense layers
 * with their Adam state. {@link SparseNcfNetwork#merge} combines the rounds of all workers.
 *
 * @param steps      optimizer steps of the round
 * @param users      the touched user rows
 * @param items      the touched item rows
 * @param dense      the dense parameters (MLP layers, output layer), flat
 * @param denseState dense Adam's moments, flat
 */
public record RoundUpdate(long steps, Rows users, Rows items, float[] dense, float[] denseState) implements Serializable {
  /**
   * Touched rows of one side (users or items) of every table of that side (GMF, then MLP): for
   * the k-th row, {@code values[k * stride ...]} holds each table's weights, m and v in turn.
   *
   * @param rows    row indices, ascending
   * @param values  the rows' weights and moments, {@code stride} floats a row
   * @param applied with catch-up Adam, the step each row was brought to; empty otherwise
   */
  public record Rows(int[] rows, float[] values, int[] applied) implements Serializable {}
}
