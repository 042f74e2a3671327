package dev.ncfspark.pipeline;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.io.Checksums.FileChecksum;
import dev.ncfspark.io.Json;
import dev.ncfspark.io.RunFolder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code <run>/manifest.json}: what ran and what it made. The configuration, input checksums,
 * versions, and for each stage its status (ran / reused), fingerprint, rows, users, items,
 * seconds and details. Rewritten after every stage so a killed run still shows how far it got.
 */
final class RunManifest {
  static final String FILE = "manifest.json";
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<Map<String, Object>> stages = new ArrayList<>();

  RunManifest(String runId, String runPath, ExperimentConfig config, String sparkVersion) {
    root.put("run_id", runId);
    root.put("run_path", runPath);
    root.put("started_at", Instant.now().toString());
    Map<String, Object> versions = new LinkedHashMap<>();
    versions.put("ncf_spark", Versions.project());
    versions.put("spark", sparkVersion);
    versions.put("scala", scala.util.Properties.versionNumberString());
    versions.put("java", System.getProperty("java.version"));
    versions.put("hadoop", org.apache.hadoop.util.VersionInfo.getVersion());
    root.put("versions", versions);
    root.put("config", Json.readMap(config.toJson()));
    root.put("inputs", List.of());
    root.put("stages", stages);
  }

  void inputs(List<FileChecksum> checksums) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (FileChecksum c : checksums) {
      inputs.add(Map.of("file", c.file(), "bytes", c.bytes(), "sha256", c.sha256()));
    }
    root.put("inputs", inputs);
  }

  void stage(String name, String status, String fingerprint, StageStats stats) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("status", status);
    m.put("fingerprint", fingerprint);
    m.putAll(stats.toMap());
    stages.removeIf(s -> s.get("name").equals(name));
    stages.add(m);
  }

  void write(RunFolder run) {
    root.put("updated_at", Instant.now().toString());
    run.writeText(FILE, Json.write(root));
  }
}
