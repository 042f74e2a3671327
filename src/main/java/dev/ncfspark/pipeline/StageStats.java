package dev.ncfspark.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stage produced, for the manifest: rows, users and items of its main output, seconds it
 * ran, and stage-specific details (rows set aside by reason, core-k rounds, split sizes...).
 */
public record StageStats(long rows, long users, long items, double seconds, Map<String, Object> details) {

  public StageStats withSeconds(double s) {
    return new StageStats(rows, users, items, s, details);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("users", users);
    m.put("items", items);
    m.put("seconds", Math.round(seconds * 1000) / 1000.0);
    m.put("details", details);
    return m;
  }

  @SuppressWarnings("unchecked")
  public static StageStats fromMap(Map<String, Object> m) {
    return new StageStats(((Number) m.get("rows")).longValue(), ((Number) m.get("users")).longValue(),
        ((Number) m.get("items")).longValue(), ((Number) m.get("seconds")).doubleValue(),
        (Map<String, Object>) m.getOrDefault("details", Map.of()));
  }
}
