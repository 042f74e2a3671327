package dev.ncfspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ncfspark.config.ExperimentConfig;
import dev.ncfspark.ops.AirflowDag;
import dev.ncfspark.pipeline.RunPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * jobs/airflow/ncf_spark_dag.py: valid Python, one task per pipeline stage in pipeline order, and
 * every task's application arguments accepted by this CLI's own parser and configuration loader,
 * selecting exactly the task's stage, with the run date in the output path.
 */
class AirflowDagTest {
  @TempDir Path tmp;

  @Test
  void theDagFileCompiles() {
    AirflowDag.python(List.of("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
        AirflowDag.DAG_FILE.toString(), tmp.resolve("dag.pyc").toString()));
    assertTrue(Files.exists(tmp.resolve("dag.pyc")));
  }

  @Test
  void oneTaskPerStageInPipelineOrder() {
    AirflowDag dag = AirflowDag.load();
    assertEquals("ncf_spark", dag.dagId());
    List<String> ids = dag.tasks().stream().map(AirflowDag.Task::taskId).toList();
    assertEquals(RunPipeline.stageNames(), ids, "the DAG's tasks are the pipeline's stages, in order");
    for (int i = 0; i < dag.tasks().size(); i++) {
      assertEquals(i == 0 ? List.of() : List.of(ids.get(i - 1)), dag.tasks().get(i).upstream(), ids.get(i));
    }
    assertTrue(dag.defaultArgs().path("retries").asInt() >= 1, "retries are on (safe: finished stages are reused)");
    assertEquals(1, dag.dag().path("max_active_runs").asInt());
  }

  @Test
  void everyTaskRunsItsOwnStageWithArgumentsTheCliAccepts() throws Exception {
    AirflowDag dag = AirflowDag.load();
    Path experiment = tmp.resolve("exp.conf");
    Files.writeString(experiment, "filter { user-k = 10 }\n");
    Map<String, String> values = Map.of(
        "params.experiment_config", experiment.toString(),
        "params.output_root", "s3a://bucket/ncf/runs",
        "params.jar", "target/ncf-spark.jar",
        "params.spark_profile", "conf/spark-cluster-cpu.properties",
        "ds_nodash", "20261126");
    String opens = java17Opens();
    for (AirflowDag.Task task : dag.tasks()) {
      List<String> args = AirflowDag.render(task.applicationArgs(), values);
      CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
      assertTrue(parsed.hasSubcommand(), task.taskId());
      Object command = parsed.subcommand().commandSpec().userObject();
      assertEquals(List.of(task.taskId()), stagesOf(command), task.taskId() + " must run exactly its stage: " + args);
      ExperimentConfig config = experimentOf(command).load();
      assertEquals("s3a://bucket/ncf/runs/20261126", config.run().output(), "the run date is in the output path");
      assertEquals(10, config.coreK().userK(), "the experiment file is read");

      assertEquals("dev.ncfspark.cli.Main", task.javaClass());
      assertEquals("target/ncf-spark.jar", AirflowDag.render(task.application(), values));
      assertEquals("conf/spark-cluster-cpu.properties", AirflowDag.render(task.propertiesFile(), values));
      assertTrue(Files.isRegularFile(Path.of(AirflowDag.render(task.propertiesFile(), values))));
      assertEquals(opens, task.conf().get("spark.driver.extraJavaOptions"), "the same Java 17 flags as jobs/submit.sh");
      assertEquals(opens, task.conf().get("spark.executor.extraJavaOptions"));
    }
  }

  @Test
  void theCheckCatchesAnOptionTheCliDoesNotHave() {
    List<String> args = new ArrayList<>(AirflowDag.load().tasks().get(0).applicationArgs());
    args.add("--no-such-option");
    List<String> rendered = AirflowDag.render(args, Map.of("params.experiment_config", "x.conf", "params.output_root", "/tmp", "ds_nodash", "1"));
    assertThrows(CommandLine.UnmatchedArgumentException.class, () -> Main.commandLine().parseArgs(rendered.toArray(String[]::new)));
    assertThrows(IllegalArgumentException.class, () -> AirflowDag.render("{{ params.unknown }}", Map.of()));
  }

  private static List<String> stagesOf(Object command) {
    if (command instanceof StageCommand s) {
      return List.of(s.stage());
    }
    if (command instanceof EvaluateCommand e) {
      return e.stages.isEmpty() ? RunPipeline.EVALUATE : e.stages;
    }
    if (command instanceof PrepareCommand p) {
      return p.stages.isEmpty() ? RunPipeline.PREPARE : p.stages;
    }
    throw new AssertionError("a DAG task runs " + command.getClass().getSimpleName() + ", not a pipeline stage");
  }

  private static ExperimentOptions experimentOf(Object command) {
    if (command instanceof StageCommand s) {
      return s.experiment;
    }
    if (command instanceof EvaluateCommand e) {
      return e.experiment;
    }
    if (command instanceof PrepareCommand p) {
      return p.experiment;
    }
    throw new AssertionError(command.getClass().getName());
  }

  private static String java17Opens() throws Exception {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(Path.of("conf", "java17.properties"))) {
      p.load(r);
    }
    String opens = p.getProperty("spark.java17.opens").trim();
    assertFalse(opens.isEmpty());
    return opens;
  }
}
