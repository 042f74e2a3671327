package dev.ncfspark.models.ncf;

import dev.ncfspark.models.ncf.engine.SparseNcfNetwork;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data-parallel workers' models kept in their executor JVM between the rounds of an epoch,
 * so that a round ships only what the merge changed ({@link dev.ncfspark.models.ncf.engine.RoundSync})
 * instead of the whole model. Only a cache: a worker whose state is missing (its executor was
 * lost, or the task runs elsewhere) rebuilds it from the epoch's broadcast model by replaying the
 * epoch's rounds, which gives the same state. Holds the states of one training at a time.
 */
final class ResidentWorkers {
  private static final Map<String, State> STATES = new ConcurrentHashMap<>();
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
  private static final AtomicLong RESTORES = new AtomicLong();

  private ResidentWorkers() {}

  /** One worker's model between rounds. */
  static final class State {
    final String training;
    final int epoch;
    final SparseNcfNetwork network;
    /** The worker's examples of the epoch, in training order. */
    final NcfBatches.ExampleBlock share;
    /** The round the network is at: it holds the merged model of the start of this round, then (trained) this round's own steps. */
    long round;
    boolean trained;
    /** This round's update as returned, for a task attempt run again after it finished. */
    byte[] update;

    State(String training, int epoch, SparseNcfNetwork network, NcfBatches.ExampleBlock share) {
      this.training = training;
      this.epoch = epoch;
      this.network = network;
      this.share = share;
    }
  }

  static Object lock(String training, int worker) {
    return LOCKS.computeIfAbsent(training + "/" + worker, k -> new Object());
  }

  static State get(String training, int worker) {
    return STATES.get(training + "/" + worker);
  }

  /** Worker states built from an epoch's broadcast model in this JVM so far (one per worker and epoch, more after a loss). */
  static long restores() {
    return RESTORES.get();
  }

  /** Keeps {@code state}, built from the epoch's broadcast, dropping every state of other trainings. */
  static void put(int worker, State state) {
    RESTORES.incrementAndGet();
    STATES.keySet().removeIf(k -> !k.startsWith(state.training + "/"));
    LOCKS.keySet().removeIf(k -> !k.startsWith(state.training + "/"));
    STATES.put(state.training + "/" + worker, state);
  }

  /** Drops one worker's state, as a lost executor does. */
  static void forget(String training, int worker) {
    STATES.remove(training + "/" + worker);
  }

  /** Drops the states of {@code training} (the end of its epoch, in the driver's JVM). */
  static void drop(String training) {
    STATES.keySet().removeIf(k -> k.startsWith(training + "/"));
  }
}
