package dev.ncfspark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ncfspark.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tasks of jobs/airflow/ncf_spark_dag.py, read by running the DAG file under python3 with
 * stand-ins for the two Airflow classes it uses (src/test/resources/airflow/dump_dag_tasks.py), and
 * the few Jinja expressions the DAG uses rendered as Airflow would for one run.
 */
public record AirflowDag(String dagId, JsonNode dag, JsonNode defaultArgs, List<Task> tasks) {
  public static final Path DAG_FILE = Path.of("jobs", "airflow", "ncf_spark_dag.py");
  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*}}");

  /** One SparkSubmitOperator: its id, upstream task ids and spark-submit arguments (templates unrendered). */
  public record Task(String taskId, List<String> upstream, String application, String javaClass, String propertiesFile,
                     Map<String, String> conf, List<String> applicationArgs) {}

  public static AirflowDag load() {
    String json = python(List.of(Path.of("src/test/resources/airflow/dump_dag_tasks.py").toString(), DAG_FILE.toString()));
    JsonNode root;
    try {
      root = Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
    List<Task> tasks = new ArrayList<>();
    for (JsonNode t : root.get("tasks")) {
      List<String> upstream = new ArrayList<>();
      t.get("upstream").forEach(u -> upstream.add(u.asText()));
      Map<String, String> conf = new LinkedHashMap<>();
      t.path("conf").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
      List<String> args = new ArrayList<>();
      t.get("application_args").forEach(a -> args.add(a.asText()));
      tasks.add(new Task(t.get("task_id").asText(), upstream, t.path("application").asText(), t.path("java_class").asText(),
          t.path("properties_file").asText(), conf, args));
    }
    return new AirflowDag(root.get("dag_id").asText(), root.get("dag"), root.get("default_args"), tasks);
  }

  /**
   * Renders {@code {{ params.NAME }}} and {@code {{ ds_nodash }}}-style expressions from {@code values}
   * (keys "params.NAME", "ds_nodash", ...); an expression without a value is an error.
   */
  public static String render(String template, Map<String, String> values) {
    Matcher m = TEMPLATE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException("no value for template expression {{ " + m.group(1) + " }} in " + template);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    if (out.indexOf("{{") >= 0 || out.indexOf("{%") >= 0) {
      throw new IllegalArgumentException("template the tests cannot render: " + template);
    }
    return out.toString();
  }

  public static List<String> render(List<String> templates, Map<String, String> values) {
    return templates.stream().map(t -> render(t, values)).toList();
  }

  /** Runs python3 with {@code args}; its stdout (fails on a non-zero exit, with stderr). */
  public static String python(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("python3 " + args + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("python3 " + args + " exited " + p.exitValue() + ":\n"
            + new String(err.join(), StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run python3", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
