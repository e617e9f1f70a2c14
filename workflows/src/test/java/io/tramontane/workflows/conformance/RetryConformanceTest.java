package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * dsl-reference.md "Catch" (retry: "If a string, must be the name of a retry policy defined in the
 * workflow's reusable components") and "Retry Limit" (attempt.count): a named policy retries as the
 * same policy written inline does.
 */
class RetryConformanceTest {

  private static final String WORKFLOW =
      """
      use:
        retries:
          twice:
            delay: {seconds: 1}
            limit: {attempt: {count: 2}}
      do:
        - fetch:
            try:
              - get:
                  call: http
                  with: {method: get, endpoint: 'https://example.com/pets'}
            catch:
              errors: {with: {status: 503}}
              retry: %s
      """;

  @Test
  void aNamedRetryPolicyIsApplied() throws Exception {
    assertAttempts("twice");
  }

  @Test
  void theSamePolicyInline() throws Exception {
    assertAttempts("{delay: {seconds: 1}, limit: {attempt: {count: 2}}}");
  }

  private static void assertAttempts(String retry) throws Exception {
    Conformance run = new Conformance();
    run.failFirstCalls = 2;
    var output = run.run(WORKFLOW.formatted(retry), "{}");
    assertEquals(3, run.calls.size(), "two failures, then a third attempt that succeeds");
    assertEquals("https://example.com/pets", output.path("endpoint").asText());
  }
}
