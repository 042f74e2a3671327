package dev.ncfspark.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a command as its child and kills it (with all its descendants) as soon as its own standard
 * input closes, which happens when the process that started the watchdog dies, however it dies
 * (kill -9 of a test JVM included). Tests start servers, clusters and jobs through it, so a
 * crashed test run leaves no orphan process.
 *
 * <p>Usage: {@code java -cp test-classes dev.ncfspark.ops.Watchdog LOG_FILE COMMAND...}; the
 * command's stdout and stderr go to LOG_FILE; the watchdog exits with the command's exit code.
 */
public final class Watchdog {
  private Watchdog() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Watchdog LOG_FILE COMMAND...");
      System.exit(2);
    }
    List<String> command = Arrays.asList(args).subList(1, args.length);
    Process child = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(args[0]).toFile()))
        .start();
    child.getOutputStream().close();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> killTree(child)));
    Thread stdinWatch = new Thread(() -> {
      try (InputStream in = System.in) {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
          // the parent writes nothing; only end-of-file matters
        }
      } catch (IOException ignored) {
        // a broken pipe is the same as end-of-file
      }
      killTree(child);
      System.exit(137);
    }, "stdin-watch");
    stdinWatch.setDaemon(true);
    stdinWatch.start();
    System.exit(child.waitFor());
  }

  static void killTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }
}
