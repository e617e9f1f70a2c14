package io.tramontane.workflows.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The published editor schema accepts the examples and refuses what the profile refuses. */
class ProfileSchemaTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema profile;

  @BeforeAll
  static void load() throws IOException {
    JsonNode dsl;
    try (InputStream in =
        ProfileSchemaTest.class.getClassLoader().getResourceAsStream("schema/workflow.yaml")) {
      dsl = YAML.readTree(in);
    }
    JsonNode overlay;
    try (InputStream in =
        ProfileSchemaTest.class.getResourceAsStream(
            "/io/tramontane/workflows/profile.schema.json")) {
      overlay = JSON.readTree(in);
    }
    // No network in tests: the DSL schema the overlay refers to comes from the SDK jar.
    SchemaRegistry registry =
        SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(Map.of(dsl.get("$id").asText(), dsl.toString())));
    profile = registry.getSchema(overlay);
  }

  @Test
  void examplesMatch() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(Path.of("..", "examples", "workflows"))) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      assertEquals(List.of(), profile.validate(YAML.readTree(f.toFile())), f.toString());
    }
  }

  @Test
  void runShellIsRefusedAndRunWorkflowIsAccepted() throws IOException {
    List<Error> errors =
        profile.validate(
            YAML.readTree(
                """
                document: {dsl: '1.0.0', namespace: t, name: run, version: '1.0.0'}
                do:
                  - build:
                      run:
                        shell: {command: make}
                """));
    assertTrue(
        errors.stream().anyMatch(e -> e.getInstanceLocation().toString().contains("run")),
        errors.toString());
    assertEquals(
        List.of(),
        profile.validate(
            YAML.readTree(
                """
                document: {dsl: '1.0.0', namespace: t, name: parent, version: '1.0.0'}
                do:
                  - child:
                      run:
                        workflow: {namespace: t, name: child, version: '1.0.0', input: {a: 1}}
                """)));
  }

  @Test
  void grpcCallAndAgentWithoutArgumentsAreRefused() throws IOException {
    assertFalse(
        profile
            .validate(
                YAML.readTree(
                    """
                    document: {dsl: '1.0.0', namespace: t, name: c, version: '1.0.0'}
                    do:
                      - a:
                          call: grpc
                          with:
                            proto: {endpoint: 'https://x.example/a.proto'}
                            service: {name: S, host: h}
                            method: m
                    """))
            .isEmpty());
    assertFalse(
        profile
            .validate(
                YAML.readTree(
                    """
                    document: {dsl: '1.0.0', namespace: t, name: c, version: '1.0.0'}
                    do:
                      - a:
                          call: agent
                          with: {agnt: handbook}
                    """))
            .isEmpty());
  }

  // dsl-reference.md "OpenAPI Call": accepted, with its authentication; one on the document's
  // endpoint is not applied, so the editor refuses it as validate does.
  @Test
  void openapiCallIsAcceptedAndItsDocumentsAuthenticationRefused() throws IOException {
    String call =
        """
        document: {dsl: '1.0.0', namespace: t, name: c, version: '1.0.0'}
        do:
          - a:
              call: openapi
              with:
                document: {endpoint: 'https://pets.example/openapi.json'}
                operationId: getPet
                parameters: {petId: 1}
        """;
    assertEquals(List.of(), profile.validate(YAML.readTree(call)));
    assertEquals(
        List.of(),
        profile.validate(YAML.readTree(call + "        authentication: {bearer: {token: t}}\n")));
    assertFalse(
        profile
            .validate(
                YAML.readTree(
                    call.replace(
                        "{endpoint: 'https://pets.example/openapi.json'}",
                        "{endpoint: {uri: 'https://pets.example/openapi.json',"
                            + " authentication: {bearer: {token: t}}}}")))
            .isEmpty());
  }
}
