package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The data schemas of a definition (dsl-reference.md "Schema"; dsl.md "Data Flow"): {@code
 * input.schema}, {@code output.schema} and {@code export.schema}, inline JSON Schema documents
 * (format {@code json}; validate refuses other formats, external resources and remote {@code
 * $ref}s), checked with networknt's validator (draft 2020-12 unless the document names its {@code
 * $schema}). A value that fails is the DSL's validation error (400).
 */
public final class DataSchemas {

  /** The DSL's validation error type. */
  public static final String VALIDATION =
      "https://serverlessworkflow.io/spec/1.0.0/errors/validation";

  private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 1024;

  private DataSchemas() {}

  /**
   * What is wrong with {@code value} by the schema {@code spec} ({@code {format, document}}), one
   * message per failure; empty when it conforms or there is no inline document.
   */
  public static List<String> problems(JsonNode spec, JsonNode value) {
    JsonNode document = spec == null ? null : spec.get("document");
    if (document == null || !document.isObject()) {
      return List.of();
    }
    String key = document.toString();
    Schema schema = COMPILED.get(key);
    if (schema == null) {
      // a registry per document (registries cache by $id; definitions are not to share them)
      // that fetches nothing: validate refuses references outside the document
      schema =
          SchemaRegistry.withDefaultDialect(
                  SpecificationVersion.DRAFT_2020_12,
                  b -> b.schemaLoader(l -> l.fetchRemoteResources(false)))
              .getSchema(document);
      if (COMPILED.size() < MAX_CACHED) {
        COMPILED.putIfAbsent(key, schema);
      }
    }
    return schema.validate(value).stream().map(Error::toString).toList();
  }

  /** Checks {@code value} against {@code spec}: the validation error at {@code reference}. */
  static void check(JsonNode spec, JsonNode value, String what, String reference) {
    List<String> problems = problems(spec, value);
    if (!problems.isEmpty()) {
      throw new WorkflowError(
          VALIDATION,
          400,
          "Validation failed",
          "the "
              + what
              + " does not match its schema: "
              + problems.stream().collect(Collectors.joining("; ")),
          reference);
    }
  }
}
