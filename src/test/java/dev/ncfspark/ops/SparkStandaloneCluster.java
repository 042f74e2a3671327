package dev.ncfspark.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Spark standalone cluster on loopback: one master and {@code n} workers, each its own JVM
 * (under {@link Watchdog}), started from the Maven-resolved Spark jars (target/spark-classpath.txt,
 * written by {@code make package}). Workers launch executors from a Spark-home layout made of
 * links to those jars (target/spark-home/jars), as a Spark distribution would.
 */
public final class SparkStandaloneCluster implements AutoCloseable {
  public static final Path SPARK_CLASSPATH = Path.of("target", "spark-classpath.txt").toAbsolutePath();
  private final ChildProcess master;
  private final List<ChildProcess> workers = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();
  private final int port;

  private SparkStandaloneCluster(ChildProcess master, int port) {
    this.master = master;
    this.port = port;
  }

  /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} (e.g. "1200m") each. */
  public static SparkStandaloneCluster start(Path dir, int workers, int cores, String memory) {
    try {
      Path home = sparkHome();
      Files.createDirectories(dir);
      int port = S3ProxyServer.freePort();
      Map<String, String> env = Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.12",
          "SPARK_LOCAL_IP", "127.0.0.1", "JAVA_HOME", System.getProperty("java.home"), "SPARK_NO_DAEMONIZE", "1");
      ChildProcess master = ChildProcess.start("spark-master", daemon(home, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0"), env, dir, dir.resolve("master.log"));
      SparkStandaloneCluster cluster = new SparkStandaloneCluster(master, port);
      try {
        cluster.await(master, s -> s.contains("I have been elected leader"), Duration.ofSeconds(90));
        for (int i = 0; i < workers; i++) {
          Path work = dir.resolve("worker-" + i);
          Files.createDirectories(work);
          ChildProcess w = ChildProcess.start("spark-worker-" + i, daemon(home, "org.apache.spark.deploy.worker.Worker",
              "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", memory, "--webui-port", "0",
              "--work-dir", work.toAbsolutePath().toString(), cluster.masterUrl()), env, dir, dir.resolve("worker-" + i + ".log"));
          cluster.workers.add(w);
          cluster.workDirs.add(work.toAbsolutePath());
        }
        for (ChildProcess w : cluster.workers) {
          cluster.await(w, s -> s.contains("Successfully registered with master"), Duration.ofSeconds(90));
        }
        return cluster;
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> daemon(Path home, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx256m", "-XX:+UseSerialGC"));
    cmd.addAll(JavaFlags.java17Opens());
    cmd.addAll(List.of("-cp", home.resolve("jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** target/spark-home: RELEASE and jars/ (links to the jars of target/spark-classpath.txt). */
  static synchronized Path sparkHome() throws IOException {
    if (!Files.isRegularFile(SPARK_CLASSPATH)) {
      throw new IllegalStateException(SPARK_CLASSPATH + " is missing: run `make package` first");
    }
    Path home = Path.of("target", "spark-home").toAbsolutePath();
    TestFiles.deleteRecursively(home);
    Path jars = Files.createDirectories(home.resolve("jars"));
    Set<String> names = new LinkedHashSet<>();
    for (String entry : Files.readString(SPARK_CLASSPATH).trim().split(":")) {
      Path jar = Path.of(entry);
      if (entry.endsWith(".jar") && names.add(jar.getFileName().toString())) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
    }
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5.5 jars resolved by Maven (ncf-spark tests)\n");
    return home;
  }

  private void await(ChildProcess p, Predicate<String> logSays, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (logSays.test(p.log())) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("cluster daemon exited: " + p.logTail(4000));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("cluster daemon not ready after " + timeout + ": " + p.logTail(4000));
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The executor JVMs (CoarseGrainedExecutorBackend) the workers of this cluster are running now. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (ChildProcess w : workers) {
      for (ProcessHandle h : w.processes()) {
        if (h.isAlive() && commandLine(h).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")) {
          out.add(h);
        }
      }
    }
    return out;
  }

  /**
   * Where a running executor logs (work-dir/app-id/executor-id/stderr), empty before the file
   * exists. Found from the process's command line, so only while it runs: keep the path to read
   * the log of an executor after it died.
   */
  public java.util.Optional<Path> executorLogFile(ProcessHandle executor) {
    String cmd = commandLine(executor);
    java.util.regex.Matcher app = java.util.regex.Pattern.compile("--app-id (\\S+)").matcher(cmd);
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("--executor-id (\\S+)").matcher(cmd);
    if (!app.find() || !id.find()) {
      return java.util.Optional.empty();
    }
    for (Path work : workDirs) {
      Path log = work.resolve(app.group(1)).resolve(id.group(1)).resolve("stderr");
      if (Files.isRegularFile(log)) {
        return java.util.Optional.of(log);
      }
    }
    return java.util.Optional.empty();
  }

  /** An executor's log so far, "" before it exists (or once the process is gone: see {@link #executorLogFile}). */
  public String executorLog(ProcessHandle executor) {
    return executorLogFile(executor).map(SparkStandaloneCluster::read).orElse("");
  }

  /** The log file {@code log} as it is now ("" when it cannot be read). */
  static String read(Path log) {
    try {
      return Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Tasks an executor has started but not finished, from its log in the worker's folder
   * (work-dir/app-id/executor-id/stderr: Spark's executors log at INFO by default).
   */
  public static long runningTasks(String log) {
    List<String> lines = log.lines().toList();
    long started = lines.stream().filter(l -> l.contains("Running task ")).count();
    long ended = lines.stream().filter(l -> l.contains("Finished task ") || l.contains("Exception in task ")).count();
    return started - ended;
  }

  /** Every process of the cluster (daemons and executors), for the no-orphan checks. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> out = new ArrayList<>(master.processes());
    workers.forEach(w -> out.addAll(w.processes()));
    return out;
  }

  static String commandLine(ProcessHandle h) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"))).replace('\0', ' ');
    } catch (IOException e) {
      return h.info().commandLine().orElse("");
    }
  }

  @Override
  public void close() {
    workers.forEach(ChildProcess::close);
    master.close();
  }
}
