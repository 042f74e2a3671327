package dev.ncfspark.pipeline;

/** The project's own version, from the jar manifest (or "dev" when run from classes). */
final class Versions {
  private Versions() {}

  static String project() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
