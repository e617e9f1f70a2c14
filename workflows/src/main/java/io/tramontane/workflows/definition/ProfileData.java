package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The profile's checks of data and reusable errors: {@code raise.error} naming an error must name
 * one in {@code use.errors} (dsl-reference.md "Raise"); a data schema ({@code input.schema}, {@code
 * output.schema}, {@code export.schema}; dsl-reference.md "Schema") must be an inline JSON Schema
 * ({@code format: json}, {@code document}) whose references stay inside the document — the runtime
 * fetches no schema.
 */
final class ProfileData {

  /** The drafts networknt knows without fetching anything. */
  private static final Set<String> DIALECTS =
      Set.of(
          "http://json-schema.org/draft-04/schema",
          "http://json-schema.org/draft-06/schema",
          "http://json-schema.org/draft-07/schema",
          "https://json-schema.org/draft/2019-09/schema",
          "https://json-schema.org/draft/2020-12/schema");

  private static final SchemaRegistry DRAFTS =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));
  private static final Schema META =
      DRAFTS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  private final Locations where;
  private final List<Problem> problems;
  private final TreeSet<String> errors = new TreeSet<>();

  private ProfileData(Locations where, List<Problem> problems) {
    this.where = where;
    this.problems = problems;
  }

  static void check(JsonNode root, Locations where, List<Problem> problems) {
    ProfileData d = new ProfileData(where, problems);
    root.path("use").path("errors").fieldNames().forEachRemaining(d.errors::add);
    d.data("", root);
    d.tasks("/do", root.get("do"));
  }

  private void tasks(String pointer, JsonNode list) {
    if (list == null || !list.isArray()) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      for (Iterator<Map.Entry<String, JsonNode>> it = list.get(i).fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        task(pointer + "/" + i + "/" + Locations.escape(e.getKey()), e.getValue());
      }
    }
  }

  private void task(String pointer, JsonNode task) {
    if (!task.isObject()) {
      return;
    }
    data(pointer, task);
    JsonNode error = task.path("raise").get("error");
    if (error != null && error.isTextual() && !errors.contains(error.asText())) {
      problems.add(
          where.at(
              pointer + "/raise/error",
              "error '" + error.asText() + "' is not defined in use.errors",
              errors.isEmpty()
                  ? "define it under use.errors, or write it inline: error: {type: …, status: …}"
                  : "use one of " + errors + ", or define it under use.errors"));
    }
    tasks(pointer + "/do", task.get("do"));
    tasks(pointer + "/fork/branches", task.path("fork").get("branches"));
    tasks(pointer + "/try", task.get("try"));
    tasks(pointer + "/catch/do", task.path("catch").get("do"));
  }

  /** The schemas of a workflow ({@code pointer} "") or a task. */
  private void data(String pointer, JsonNode node) {
    for (String kind : List.of("input", "output", "export")) {
      JsonNode schema = node.path(kind).get("schema");
      if (schema != null && schema.isObject()) {
        schema(pointer + "/" + kind + "/schema", kind + ".schema", schema);
      }
    }
  }

  private void schema(String pointer, String name, JsonNode schema) {
    JsonNode format = schema.get("format");
    if (format != null && !"json".equals(format.asText())) {
      problems.add(
          where.at(
              pointer + "/format",
              name + ": format '" + format.asText() + "' is not supported",
              "write it as a JSON Schema: format: json, document: {…}"));
    }
    if (schema.has("resource") && !schema.has("document")) {
      problems.add(
          where.atKey(
              pointer + "/resource",
              name
                  + ": an external schema (resource) is not supported — the runtime fetches no"
                  + " schema",
              "write the JSON Schema inline under document"));
    }
    JsonNode document = schema.get("document");
    int before = problems.size();
    references(pointer + "/document", name, document);
    boolean json = format == null || "json".equals(format.asText());
    if (json && before == problems.size() && document != null && document.isObject()) {
      valid(pointer + "/document", name, document);
    }
  }

  /** The document against the JSON Schema metaschema of its draft (2020-12 by default). */
  private void valid(String pointer, String name, JsonNode document) {
    List<Error> errors;
    try {
      errors =
          (document.has("$schema")
                  ? DRAFTS.getSchema(SchemaLocation.of(document.get("$schema").asText()))
                  : META)
              .validate(document);
    } catch (RuntimeException e) {
      errors = List.of();
    }
    if (!errors.isEmpty()) {
      Error e = errors.getFirst();
      problems.add(
          where.at(
              pointer + DslSchema.pointer(e.getInstanceLocation()),
              name + ": the document is not a valid JSON Schema: " + e.getMessage(),
              "see https://json-schema.org/draft/2020-12 for the keywords and their values"));
    }
  }

  /** References that leave the document ({@code $ref: https://…}) would be fetched: refused. */
  private void references(String pointer, String name, JsonNode node) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        references(pointer + "/" + i, name, node.get(i));
      }
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = pointer + "/" + Locations.escape(e.getKey());
      String value = e.getValue().isTextual() ? e.getValue().asText() : null;
      boolean ref = e.getKey().equals("$ref") || e.getKey().equals("$dynamicRef");
      if (ref && value != null && !value.startsWith("#")) {
        problems.add(
            where.atKey(
                at,
                name + ": '" + e.getKey() + "' to '" + value + "' is not supported",
                "refer only inside the document (#/$defs/…): copy the referenced schema there"));
      } else if (e.getKey().equals("$schema")
          && value != null
          && !DIALECTS.contains(value.replaceAll("#$", ""))) {
        problems.add(
            where.atKey(
                at,
                name + ": '$schema' '" + value + "' is not a JSON Schema draft",
                "leave $schema out (draft 2020-12) or name one of " + new TreeSet<>(DIALECTS)));
      } else if (e.getValue().isContainerNode()) {
        references(at, name, e.getValue());
      }
    }
  }
}
