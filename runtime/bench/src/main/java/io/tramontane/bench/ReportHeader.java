package io.tramontane.bench;

/**
 * The first fields of every scenario's JSON report, written unwrapped ({@code benchmark}, {@code
 * id}, {@code quick}, {@code machine}).
 *
 * @param benchmark the scenario's name ({@code journal})
 * @param id its number in docs/benchmarks.md ({@code P5})
 * @param quick whether it ran with {@code --quick}
 * @param machine where it ran
 */
public record ReportHeader(String benchmark, String id, boolean quick, Machine machine) {

  /** {@code " (--quick)"} after a table title when the run was quick, else nothing. */
  String quickSuffix() {
    return quick ? " (--quick)" : "";
  }
}
