package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.run.WorkflowError;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * What fails a {@code call: openapi} (dsl-reference.md "OpenAPI Call"), each with a clear run error
 * naming the task and no request to the API: an unknown operation, a missing or undeclared
 * parameter, a document that is not OpenAPI 3, off the allowlist, too large, or that refers to
 * another document.
 */
class OpenApiErrorConformanceTest extends OpenApiFixture {

  // A clear run error naming the task: an operationId the document does not have …
  @Test
  void anUnknownOperationIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: deletePet
                """),
            "{}");
    assertEquals("/do/0/findPet", e.instance());
    assertEquals("Unknown operation", e.title());
    assertTrue(e.detail().contains("'deletePet'") && e.detail().contains("addPet"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // … a required parameter left out …
  @Test
  void aMissingRequiredParameterIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {verbose: true}
                """),
            "{}");
    assertEquals(400, e.status());
    assertEquals("Missing parameter", e.title());
    assertTrue(e.detail().contains("'petId'") && e.detail().contains("path"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // … and a parameter the operation does not declare.
  @Test
  void anUndeclaredParameterIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {petId: 1, colour: red}
                """),
            "{}");
    assertEquals("Unknown parameter", e.title());
    assertTrue(e.detail().contains("'colour'") && e.detail().contains("petId"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // The document is OpenAPI 3: a Swagger 2.0 document is refused with a clear error.
  @Test
  void aSwagger2DocumentIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/swagger.json'}
                operationId: getPet
                """),
            "{}");
    assertEquals("Bad OpenAPI document", e.title());
    assertTrue(e.detail().contains("OpenAPI 3"), e.detail());
  }

  // The document is fetched through the same outbound policy as call: http: a host off the
  // allowlist is refused before any request …
  @Test
  void aDocumentOffTheAllowlistIsRefused() {
    HttpCall onlyElsewhere =
        HttpCallConformanceTest.call(List.of("pets.example"), true, InetAddress::getAllByName);
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                run(
                    workflow(
                        """
                        document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                        operationId: getPet
                        """),
                    "{}",
                    new HashMap<>(),
                    onlyElsewhere));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(403, e.status());
    assertEquals(List.of(), received);
  }

  // … and a document over the policy's response size is refused.
  @Test
  void aDocumentOverTheSizeLimitIsRefused() {
    HttpCall small =
        new HttpCall(
            new OutboundHttp(
                new OutboundPolicy(
                    HttpCall.KEY,
                    List.of("127.0.0.1"),
                    true,
                    1 << 20,
                    2048,
                    Duration.ofSeconds(10),
                    3),
                InetAddress::getAllByName,
                (SSLSocketFactory) SSLSocketFactory.getDefault()));
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                run(
                    workflow(
                        """
                        document: {endpoint: 'http://127.0.0.1:@PORT@/huge.json'}
                        operationId: getPet
                        """),
                    "{}",
                    new HashMap<>(),
                    small));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals("Document too large", e.title());
  }

  // The parser fetches nothing itself (the outbound policy would not see it): a parameter by a
  // reference to another document is refused, before any request to the API.
  @Test
  void aReferenceToAnotherDocumentIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: remoteRef
                """),
            "{}");
    assertEquals("Bad OpenAPI document", e.title());
    assertTrue(e.detail().contains("https://elsewhere.example/parameters.json#/Id"), e.detail());
    assertEquals(List.of(), apiRequests());
  }
}
