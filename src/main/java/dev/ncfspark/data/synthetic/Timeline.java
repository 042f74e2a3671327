package dev.ncfspark.data.synthetic;

import java.util.SplittableRandom;

/**
 * A user's rating times: a start in ML-20M's period (1995-01-09 .. 2015-03-31), then increasing
 * times in rating order with ML-like bursts: exact ties ({@link #TIE_PROBABILITY}), seconds to
 * minutes between ratings of a session, occasional hours, and rare returns weeks later. A user
 * whose gaps would not fit in the period has them shrunk to fit.
 */
final class Timeline {
  /** ML-20M's first rating time, 1995-01-09 11:46:49 UTC. */
  static final long START = 789_652_009L;
  /** ML-20M's last rating time, 2015-03-31 06:40:02 UTC. */
  static final long END = 1_427_784_002L;
  static final double TIE_PROBABILITY = 0.10;
  private static final double SESSION_PROBABILITY = 0.85;
  private static final double BREAK_PROBABILITY = 0.97;
  private static final double MEAN_SESSION_GAP = 60;
  private static final double MEAN_BREAK_GAP = 2 * 3_600;
  private static final double MEAN_RETURN_GAP = 45 * 86_400;

  private Timeline() {}

  /** Fills {@code times[0..count)} with non-decreasing Unix seconds in [START, END]. */
  static void fill(SplittableRandom rng, long[] times, int count) {
    long t = 0;
    times[0] = 0;
    for (int k = 1; k < count; k++) {
      double r = rng.nextDouble();
      if (r >= TIE_PROBABILITY) {
        double mean = r < SESSION_PROBABILITY ? MEAN_SESSION_GAP
            : r < BREAK_PROBABILITY ? MEAN_BREAK_GAP : MEAN_RETURN_GAP;
        t += 1 + (long) (-Math.log(1.0 - rng.nextDouble()) * mean);
      }
      times[k] = t;
    }
    long span = times[count - 1];
    long period = END - START;
    if (span > period) {
      double shrink = (double) period / span;
      for (int k = 0; k < count; k++) {
        times[k] = (long) (times[k] * shrink);
      }
      span = times[count - 1];
    }
    long start = START + (long) (rng.nextDouble() * (period - span + 1));
    for (int k = 0; k < count; k++) {
      times[k] += start;
    }
  }
}
