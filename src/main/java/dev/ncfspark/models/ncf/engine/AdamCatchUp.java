package dev.ncfspark.models.ncf.engine;

/**
 * Dense Adam's moves of embedding rows between the steps that touch them, in closed form (the
 * idea of Intel's MLPerf v0.5 NCF, BigDL's {@code EmbeddingAdam2}). A row last updated after
 * step {@code a} and touched again at step {@code t} missed {@code k = t - a} steps with a zero
 * gradient, over which dense Adam decays its moments ({@code m *= beta1^k}, {@code v *=
 * beta2^k}) and still moves it: {@code p -= S * m / (sqrt(v) + eps)} with {@code S = sum over j
 * = 1..k of alpha(a + j - 1) * (beta1 / sqrt(beta2))^j}, alpha being the bias-corrected rate of
 * each step. That is dense Adam exactly except for epsilon (scaled with the decayed {@code
 * sqrt(v)} in dense Adam) and without L2 (whose gradient an idle row would still have);
 * the first {@value #EXACT_TERMS} terms of S use each step's own rate, the rest the rate of
 * the last of them (the terms shrink geometrically when {@code beta1 < sqrt(beta2)}, as with
 * every default and recipe here).
 */
public final class AdamCatchUp {
  static final int EXACT_TERMS = 64;
  private final double learningRate;
  private final double beta1;
  private final double beta2;
  private final double ratio;
  private final long steady;
  private double[] alpha = new double[0];

  public AdamCatchUp(double learningRate, double beta1, double beta2) {
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.ratio = beta2 > 0 ? beta1 / Math.sqrt(beta2) : 0;
    // from this step on both bias corrections are 1 within 1e-10: the rate is the learning rate
    this.steady = Math.max(stepsBelow(beta1), stepsBelow(beta2));
  }

  private static long stepsBelow(double beta) {
    return beta <= 0 ? 0 : (long) Math.ceil(Math.log(1e-10) / Math.log(beta));
  }

  /** The per-row constants of one catch-up, aligned with a list of rows. */
  public static final class Scalars {
    float[] scale = new float[0];
    float[] mDecay = new float[0];
    float[] vDecay = new float[0];

    void ensure(int n) {
      if (scale.length < n) {
        int size = Math.max(n, scale.length * 2);
        scale = new float[size];
        mDecay = new float[size];
        vDecay = new float[size];
      }
    }
  }

  /**
   * Fills {@code out} for rows {@code rows[0..n)}, each of which has had {@code applied[row]}
   * steps, to be brought to {@code step} steps.
   */
  public Scalars scalars(int[] rows, int n, int[] applied, long step, Scalars out) {
    out.ensure(n);
    for (int s = 0; s < n; s++) {
      int a = applied[rows[s]];
      long k = step - a;
      if (k <= 0) {
        out.scale[s] = 0f;
        out.mDecay[s] = 1f;
        out.vDecay[s] = 1f;
      } else {
        out.scale[s] = (float) sum(a, k);
        out.mDecay[s] = (float) Math.pow(beta1, k);
        out.vDecay[s] = (float) Math.pow(beta2, k);
      }
    }
    return out;
  }

  /** S for a row that has had {@code a} steps and misses {@code k} more. */
  double sum(long a, long k) {
    if (ratio == 0) {
      return 0;
    }
    if (a >= steady) {
      return learningRate * geometric(1, k);
    }
    long exact = Math.min(k, EXACT_TERMS);
    double s = 0;
    double rj = 1;
    for (long j = 1; j <= exact; j++) {
      rj *= ratio;
      s += rate(a + j - 1) * rj;
    }
    if (k > exact) {
      s += rate(a + exact) * geometric(exact + 1, k);
    }
    return s;
  }

  /** The sum of ratio^j for j = from..to. */
  private double geometric(long from, long to) {
    if (Math.abs(1 - ratio) < 1e-12) {
      return to - from + 1;
    }
    return (Math.pow(ratio, from) - Math.pow(ratio, to + 1)) / (1 - ratio);
  }

  /** The bias-corrected rate of step {@code s} (0-based), as {@link AdamStep}. */
  private double rate(long s) {
    if (s >= steady) {
      return learningRate;
    }
    int i = (int) s;
    if (i >= alpha.length) {
      int from = alpha.length;
      alpha = java.util.Arrays.copyOf(alpha, (int) Math.min(steady, Math.max(i + 1L, 2L * alpha.length + 1024)));
      for (int x = from; x < alpha.length; x++) {
        alpha[x] = AdamStep.of(learningRate, beta1, beta2, 0, 0, x).alphaT();
      }
    }
    return alpha[i];
  }
}
