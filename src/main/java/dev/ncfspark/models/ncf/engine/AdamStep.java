package dev.ncfspark.models.ncf.engine;

/**
 * One Adam step's constants, in DL4J's form: {@code p -= alphaT * m / (sqrt(v) + epsilon)} with
 * {@code alphaT = lr * sqrt(1 - beta2^t) / (1 - beta1^t)}, t counted from 1, and L2 added to the
 * gradient before the moments ({@code g += l2 * p}), as DL4J's {@code l2} does.
 */
public record AdamStep(double alphaT, double beta1, double beta2, double epsilon, double l2) {
  /** The constants of step {@code iteration} (0-based, as DL4J counts iterations). */
  public static AdamStep of(double learningRate, double beta1, double beta2, double epsilon, double l2, long iteration) {
    double t = iteration + 1;
    double alphaT = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    return new AdamStep(alphaT, beta1, beta2, epsilon, l2);
  }
}
