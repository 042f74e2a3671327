package dev.ncfspark.report;

import java.util.Objects;

/**
 * The size of the data after one preparation stage (ingest, filter, split, ...), so that the report shows how much
 * of the raw data each step kept.
 *
 * @param stage   the stage's name, shown as given; stages are listed in the order the caller gives
 * @param rows    interactions after the stage
 * @param users   distinct users after the stage
 * @param items   distinct items after the stage
 * @param seconds wall-clock time of the stage
 */
public record StageSummary(String stage, long rows, long users, long items, double seconds) {

    public StageSummary {
        Objects.requireNonNull(stage, "stage");
    }
}
