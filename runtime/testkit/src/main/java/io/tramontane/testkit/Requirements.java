package io.tramontane.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, PostgreSQL, network namespaces). On a developer's
 * machine a missing piece skips the test with the reason; under {@code CI=true} it fails, so a test
 * is never counted as passing in CI without having run ({@code .ci/run} installs what these tests
 * need).
 */
public final class Requirements {

  private Requirements() {}

  /**
   * Skips (fails under CI) unless {@code met}; {@code what} says what is missing and how to get it.
   */
  public static void require(boolean met, String what) {
    if (met) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("under CI this test must run, but it " + what);
    }
    Assumptions.abort(what);
  }

  /** The environment variable's value; skips (fails under CI) when it is unset or blank. */
  public static String env(String name, String how) {
    String value = System.getenv(name);
    require(value != null && !value.isBlank(), "needs " + name + " (" + how + ")");
    return value;
  }
}
