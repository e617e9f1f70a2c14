package io.tramontane.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.junit.jupiter.api.Test;

/** The single translation of failures into HTTP answers. */
class ProblemsTest {

  static String body(HttpResponse r) {
    return ((HttpEntity.Strict) r.entity()).getData().decodeString(StandardCharsets.UTF_8);
  }

  @Test
  void retriableFailuresAre503WithRetryAfter() {
    HttpResponse r =
        Problems.fromThrowable(
            new CompletionException(
                new UnavailableException("journal slow", Duration.ofSeconds(7))));
    assertEquals(503, r.status().intValue());
    assertEquals("7", r.getHeader("Retry-After").orElseThrow().value());
    assertTrue(body(r).contains("journal slow"));
    assertEquals("application/problem+json", r.entity().getContentType().toString());
  }

  @Test
  void internalErrorsShowAnErrorIdButNoDetails() {
    HttpResponse r =
        Problems.fromThrowable(new IllegalStateException("secret internal state 0xdeadbeef"));
    assertEquals(500, r.status().intValue());
    assertFalse(body(r).contains("0xdeadbeef"), body(r));
    assertTrue(body(r).contains("\"errorId\""), body(r));
  }

  @Test
  void invalidRequestsAre400WithTheirMessage() {
    HttpResponse r =
        Problems.fromThrowable(
            new CompletionException(
                new InvalidRequestException("Cannot run model 'minilm' on an empty text.")));
    assertEquals(400, r.status().intValue());
    assertTrue(body(r).contains("empty text"), body(r));
    assertFalse(r.getHeader("Retry-After").isPresent());
  }

  @Test
  void bodiesOverALimitAre413NamingItWhateverReadThem() {
    HttpResponse ours =
        Problems.fromThrowable(new CompletionException(new PayloadTooLargeException(65536)));
    assertEquals(413, ours.status().intValue());
    assertTrue(body(ours).contains("\"status\":413"), body(ours));
    assertTrue(body(ours).contains("65536"), body(ours));
    HttpResponse pekko =
        Problems.fromThrowable(
            new org.apache.pekko.http.scaladsl.model.EntityStreamException(
                new org.apache.pekko.http.scaladsl.model.ErrorInfo(
                    "Request too large", "Request was longer than the maximum of 8388608 bytes")));
    assertEquals(413, pekko.status().intValue());
    assertTrue(body(pekko).contains("8388608"), body(pekko));
  }

  @Test
  void aProblemsStandardMembersCannotBeOverriddenByAnExtension() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () ->
            Problems.of(
                org.apache.pekko.http.javadsl.model.StatusCodes.UNPROCESSABLE_CONTENT,
                "Document Not Indexed",
                "could not be indexed",
                java.util.Map.of("status", "failed")));
  }

  @Test
  void anEntitysRefusalGetsTheStatusOfItsKind() throws Exception {
    record Case(Throwable refusal, int status, String title) {}
    java.util.List<Case> cases =
        java.util.List.of(
            new Case(
                new io.tramontane.core.ConflictException("no turn is running"), 409, "Conflict"),
            new Case(new io.tramontane.core.NotFoundException("no such session"), 404, "Not Found"),
            new Case(new InvalidRequestException("the event is not JSON"), 400, "Bad Request"),
            new Case(
                new io.tramontane.agents.session.IdempotencyKeyReusedException(
                    "the Idempotency-Key 'k' already started turn 1"),
                422,
                "Idempotency-Key Reused"),
            // a refusal that does not say its kind stays what it always was: a conflict
            new Case(
                new org.apache.pekko.pattern.StatusReply.ErrorMessage("busy"), 409, "Conflict"));
    for (Case c : cases) {
      HttpResponse r = Problems.fromThrowable(new CompletionException(c.refusal()));
      assertEquals(c.status(), r.status().intValue(), c.refusal().toString());
      var problem = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body(r));
      assertEquals(c.status(), problem.path("status").asInt(), body(r));
      assertEquals(c.title(), problem.path("title").asText(), body(r));
      // a refusal is a clause; the problem's detail is its sentence
      assertEquals(c.refusal().getMessage() + ".", problem.path("detail").asText(), body(r));
    }
  }
}
