package dev.ncfspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  @Test
  void subcommandsParseTheirOptions() {
    CommandLine cli = Main.commandLine();
    CommandLine.ParseResult r = cli.parseArgs("prepare", "--config", "conf/x.conf", "--set", "filter.user-k=20", "--stages", "ingest,filter");
    PrepareCommand p = (PrepareCommand) r.subcommand().commandSpec().userObject();
    assertEquals(java.util.List.of("ingest", "filter"), p.stages);
    assertEquals(java.util.List.of("filter.user-k=20"), p.experiment.overrides);
    for (String stage : new String[] {"ingest", "filter", "index", "features", "split", "negatives", "train"}) {
      assertEquals(stage, Main.commandLine().parseArgs(stage, "--set", "run.seed=1").subcommand().commandSpec().name());
    }
  }

  @Test
  void badConfigIsAOneLineErrorWithExitCode2() {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("config", "--set", "split.kind=sideways");
    assertEquals(2, code);
    assertTrue(err.toString().startsWith("ncf-spark: ") && err.toString().contains("sideways"), err.toString());
  }
}
