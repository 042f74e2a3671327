package dev.ncfspark.models.ncf;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Caps ND4J's native threads in this JVM, once: libnd4j's OpenMP threads and OpenBLAS's own
 * (which ND4J's matrix multiplies use, and whose idle workers spin in {@code sched_yield}: seen
 * taking a whole core of the 2 here while the driver trained). On executors that run several
 * tasks at a time, one thread per task is faster for NCF's small matrices than every task
 * spawning a thread per core (measured: OMP_NUM_THREADS=1 beat 2 on two cores).
 */
public final class NativeThreads {
  private static volatile int applied = -1;

  private NativeThreads() {}

  public static void limit(int threads) {
    if (threads <= 0 || applied == threads) {
      return;
    }
    synchronized (NativeThreads.class) {
      if (applied != threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        applied = threads;
      }
    }
  }
}
