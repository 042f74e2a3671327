package dev.ncfspark.models.ncf.engine;

import java.io.Serializable;

/**
 * The merged state of one round of data-parallel training that every worker needs before its
 * next round: the item rows any worker touched (merged), the dense layers and their Adam state,
 * and the step count. Workers own their users' rows, which are not in it.
 *
 * @param iteration  the merged model's optimizer steps
 * @param items      the item rows touched in the round, as merged
 * @param dense      the merged dense parameters, flat
 * @param denseState the merged dense Adam moments, flat
 */
public record RoundSync(long iteration, RoundUpdate.Rows items, float[] dense, float[] denseState) implements Serializable {}
