package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What of dsl-reference.md "OpenAPI Call" the runtime does not do is refused when the definition is
 * validated, at its line and column, with a hint.
 */
class OpenApiValidateConformanceTest {

  static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();

  static String workflow(String with) {
    return OpenApiFixture.workflow(with);
  }

  // dsl-reference.md "OpenAPI Call" authentication and "Authentication": the call's policy is
  // checked like an HTTP endpoint's — a policy name must be one of use.authentications.
  @Test
  void validateChecksTheCallsAuthenticationPolicy() {
    Problem p =
        onlyProblem(
            workflow(
                """
                document: {endpoint: 'https://pets.example/openapi.json'}
                operationId: getPet
                authentication: {use: nowhere}
                """));
    assertEquals(8, p.line(), p.toString());
    assertTrue(p.message().contains("nowhere"), p.toString());
  }

  // Refused at validate: a document that is not an absolute http(s) URL (definitions are deployed
  // over the API, so
  // there is no directory to read a file from) …
  @Test
  void validateRefusesADocumentThatIsNotAnHttpUrl() {
    Problem p =
        onlyProblem(
            workflow(
                """
                document: {endpoint: 'file://app/petstore.json'}
                operationId: getPet
                """));
    assertEquals(6, p.line(), p.toString());
    assertTrue(p.message().contains("file://app/petstore.json"), p.toString());
    assertTrue(p.hint().contains("https://"), p.toString());
  }

  // … and an authentication on the document's endpoint.
  @Test
  void validateRefusesAuthenticationOnTheDocument() {
    Problem p =
        onlyProblem(
            workflow(
                """
                document:
                  endpoint:
                    uri: https://pets.example/openapi.json
                    authentication: {bearer: {token: abc}}
                operationId: getPet
                """));
    assertEquals(9, p.line(), p.toString());
    assertTrue(p.message().contains("authentication"), p.toString());
    assertTrue(p.hint().contains("call's own authentication"), p.toString());
  }

  private static Problem onlyProblem(String yaml) {
    List<Problem> problems =
        DEFINITIONS.validate("case.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertEquals(1, problems.size(), problems.toString());
    return problems.getFirst();
  }
}
