package dev.ncfspark.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts (a server, a cluster daemon, a job), run under {@link Watchdog} so that
 * it dies with the test JVM, with its output in a log file. {@link #close()} stops it and all its
 * descendants.
 */
public final class ChildProcess implements AutoCloseable {
  private final Process watchdog;
  private final Path log;
  private final String name;

  private ChildProcess(String name, Process watchdog, Path log) {
    this.name = name;
    this.watchdog = watchdog;
    this.log = log;
  }

  /** Starts {@code command} in {@code workDir} with {@code env} added to this JVM's environment. */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
    try {
      Files.createDirectories(log.getParent());
      Files.deleteIfExists(log);
      Files.createFile(log);
      List<String> full = new ArrayList<>(List.of(java(), "-Xmx32m", "-XX:+UseSerialGC", "-cp", testClasses(),
          Watchdog.class.getName(), log.toAbsolutePath().toString()));
      full.addAll(command);
      ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().putAll(env);
      return new ChildProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The java binary of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String testClasses() {
    try {
      return Path.of(Watchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the command to end; its exit code, or empty on timeout (it keeps running). */
  public Optional<Integer> waitFor(Duration timeout) {
    try {
      return watchdog.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(watchdog.exitValue()) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public boolean isAlive() {
    return watchdog.isAlive();
  }

  /** The processes the command started (the command itself first), as they are now. */
  public List<ProcessHandle> processes() {
    return watchdog.descendants().toList();
  }

  public Path logFile() {
    return log;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code n} characters of the log, for assertion messages. */
  public String logTail(int n) {
    String s = log();
    return name + " log (" + log + "):\n" + (s.length() <= n ? s : s.substring(s.length() - n));
  }

  /** Stops the command: closes the watchdog's stdin (it kills its child), then makes sure. */
  @Override
  public void close() {
    List<ProcessHandle> tree = processes();
    try {
      watchdog.getOutputStream().close();
    } catch (IOException ignored) {
      // already gone
    }
    try {
      watchdog.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    watchdog.destroyForcibly();
    for (ProcessHandle h : tree) {
      h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
    }
  }
}
