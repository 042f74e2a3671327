package dev.ncfspark.data.synthetic;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes ratings.csv: users are generated in blocks, in parallel, and the blocks are written in
 * user order, so the file is the same for any number of threads. At most a few blocks are in
 * memory at a time, never the whole dataset.
 */
final class RatingsCsvWriter {
  static final String HEADER = "userId,movieId,rating,timestamp\n";
  /** Users per block: a few MB of text, enough to amortise task overhead. */
  static final int BLOCK_USERS = 1_000;
  private static final int BYTES_PER_ROW_ESTIMATE = 30;
  private static final int OUTPUT_BUFFER = 1 << 20;

  private final SyntheticModel model;
  private final int threads;

  RatingsCsvWriter(SyntheticModel model, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.model = model;
    this.threads = threads;
  }

  void write(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), OUTPUT_BUFFER)) {
      out.write(HEADER.getBytes(StandardCharsets.US_ASCII));
      int blocks = (model.sizes.users() + BLOCK_USERS - 1) / BLOCK_USERS;
      if (threads == 1) {
        UserRatingsGenerator generator = new UserRatingsGenerator(model);
        for (int b = 0; b < blocks; b++) {
          generateBlock(b, generator).writeTo(out);
        }
      } else {
        writeParallel(out, blocks);
      }
    }
  }

  private void writeParallel(OutputStream out, int blocks) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "synthetic-ratings");
      t.setDaemon(true);
      return t;
    });
    ThreadLocal<UserRatingsGenerator> generators =
        ThreadLocal.withInitial(() -> new UserRatingsGenerator(model));
    try {
      ArrayDeque<Future<AsciiBuffer>> inFlight = new ArrayDeque<>();
      int next = 0;
      int window = 2 * threads;
      while (next < blocks || !inFlight.isEmpty()) {
        while (next < blocks && inFlight.size() < window) {
          int b = next++;
          inFlight.add(pool.submit(() -> generateBlock(b, generators.get())));
        }
        await(inFlight.poll()).writeTo(out);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private AsciiBuffer generateBlock(int block, UserRatingsGenerator generator) {
    int first = block * BLOCK_USERS + 1;
    int last = Math.min(model.sizes.users(), first + BLOCK_USERS - 1);
    long rows = 0;
    for (int u = first; u <= last; u++) {
      rows += model.degrees[u - 1];
    }
    AsciiBuffer buffer = new AsciiBuffer((int) Math.min(Integer.MAX_VALUE - 16,
        rows * BYTES_PER_ROW_ESTIMATE));
    for (int u = first; u <= last; u++) {
      generator.appendRows(u, buffer);
    }
    return buffer;
  }

  private static AsciiBuffer await(Future<AsciiBuffer> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating synthetic ratings", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException("synthetic ratings generation failed", cause);
    }
  }
}
