package dev.ncfspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;

/**
 * Evaluation protocols: cutoffs, full ranking (and its user sample), recommendations, significance
 * tests, and the few-interaction segment ({@code fewInteractions}: the test users whose test items
 * have at most this many training interactions, evaluated apart too; 0 = no segment).
 */
public record EvaluationConfig(List<Integer> cutoffs, boolean fullRanking, int fullRankingUsers, int recommendationsK,
    String significanceBaseline, String significanceMetric, int significanceCutoff, int fewInteractions) {

  static EvaluationConfig from(Config c) {
    List<Integer> cutoffs = c.getIntList("cutoffs").stream().sorted().distinct().toList();
    if (cutoffs.isEmpty() || cutoffs.get(0) < 1) {
      throw new ConfigException.BadValue(c.origin(), "cutoffs", "expected a non-empty list of integers >= 1, found " + c.getIntList("cutoffs"));
    }
    return new EvaluationConfig(cutoffs, c.getBoolean("full-ranking.enabled"), ConfigValues.intAtLeast(c, "full-ranking.users", 0),
        ConfigValues.intAtLeast(c, "recommendations-k", 1), c.getString("significance.baseline"), c.getString("significance.metric"),
        ConfigValues.intAtLeast(c, "significance.cutoff", 1), ConfigValues.intAtLeast(c, "few-interactions", 0));
  }
}
