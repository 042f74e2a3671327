package dev.ncfspark.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * S3Proxy (an S3 server: {@code org.gaul:s3proxy}, copied to target/s3proxy/s3proxy.jar by Maven
 * before the tests) with a file-system back end, listening on 127.0.0.1, with AWS signature (v2 and
 * v4) checking on. It runs as its own JVM under {@link Watchdog}: its Guava, protobuf and Jetty
 * must not meet Spark's in the test JVM, and it must die with the test JVM.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
  private final ChildProcess process;
  private final int port;
  private final Path data;

  private S3ProxyServer(ChildProcess process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  /** Starts a server storing under {@code dir}/data with these credentials and buckets. */
  public static S3ProxyServer start(Path dir, String accessKey, String secretKey, String... buckets) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: Maven copies it in process-test-resources (run through mvn)");
    }
    try {
      Path data = dir.resolve("data").toAbsolutePath();
      Files.createDirectories(data);
      for (String b : buckets) {
        Files.createDirectories(data.resolve(b));
      }
      int port = freePort();
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + data,
          ""));
      ChildProcess p = ChildProcess.start("s3proxy",
          List.of(ChildProcess.java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", JAR.toString(), "--properties", props.toAbsolutePath().toString()),
          Map.of("LOG_LEVEL", "warn", "JETTY_LOG_LEVEL", "warn"), dir, dir.resolve("s3proxy.log"));
      S3ProxyServer server = new S3ProxyServer(p, port, data);
      server.awaitListening(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private void awaitListening(Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited: " + process.logTail(3000));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep(200);
      }
    }
    close();
    throw new IllegalStateException("S3Proxy not listening after " + timeout + ": " + process.logTail(3000));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Where the file-system back end keeps a bucket's objects (one file per object key). */
  public Path bucketFolder(String bucket) {
    return data.resolve(bucket);
  }

  /** The server's JVM (for the tests' no-orphan checks). */
  public List<ProcessHandle> processes() {
    return process.processes();
  }

  public String log() {
    return process.log();
  }

  @Override
  public void close() {
    process.close();
  }
}
