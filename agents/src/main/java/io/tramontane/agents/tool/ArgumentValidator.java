package io.tramontane.agents.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a model's tool-call arguments against the tool's {@link JsonObjectSchema} before the tool
 * runs, and says what is wrong in one sentence the model can act on ("'url' is required").
 *
 * <p>The LangChain4j schema is turned into its JSON-schema form by LangChain4j itself ({@link
 * JsonSchemaElementUtils#toMap}, the same form sent to providers) and checked by networknt's
 * json-schema-validator (draft 2020-12). One deliberate tightening: an object schema that does not
 * say {@code additionalProperties} gets {@code false}, so a misspelt or invented property is
 * refused instead of silently ignored. Arguments above {@link #MAX_ARGUMENT_BYTES} serialized are
 * refused before validation.
 */
public final class ArgumentValidator {

  /** Largest accepted arguments object, serialized as UTF-8 JSON. */
  public static final int MAX_ARGUMENT_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  /** Compiled schemas; tools return the same few schemas for the life of the node. */
  private static final Map<JsonObjectSchema, Schema> COMPILED = new ConcurrentHashMap<>();

  private static final int MAX_COMPILED = 1024;

  private ArgumentValidator() {}

  /**
   * Empty when {@code arguments} satisfy {@code schema}; otherwise what is wrong, for the model.
   */
  public static Optional<String> validate(JsonObjectSchema schema, JsonNode arguments) {
    if (arguments == null || !arguments.isObject()) {
      return Optional.of("the arguments must be a JSON object");
    }
    int size = serializedSize(arguments);
    if (size > MAX_ARGUMENT_BYTES) {
      return Optional.of(
          "the arguments are "
              + size
              + " bytes; at most "
              + MAX_ARGUMENT_BYTES
              + " bytes are accepted");
    }
    List<Error> errors = compiled(schema).validate(arguments);
    return errors.stream()
        .min(Comparator.comparingInt(ArgumentValidator::rank))
        .map(ArgumentValidator::sentence);
  }

  /**
   * Checks a final answer against an agent's output schema (JSON schema text): empty when the
   * answer is JSON that satisfies it (a Markdown code fence around it is tolerated); otherwise what
   * is wrong, for the model.
   */
  public static Optional<String> validateOutput(String schemaJson, String answer) {
    String text = answer == null ? "" : answer.strip();
    if (text.startsWith("```")) {
      text = text.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
    }
    JsonNode value;
    try {
      value = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return Optional.of("the answer is not JSON");
    }
    if (value == null || value.isMissingNode()) {
      return Optional.of("the answer is empty");
    }
    Schema schema;
    try {
      schema = REGISTRY.getSchema(JSON.readTree(schemaJson));
    } catch (JsonProcessingException e) {
      return Optional.of("the agent's output schema is not valid JSON");
    }
    return schema.validate(value).stream()
        .min(Comparator.comparingInt(ArgumentValidator::rank))
        .map(ArgumentValidator::sentence);
  }

  private static int serializedSize(JsonNode arguments) {
    try {
      return JSON.writeValueAsString(arguments).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static Schema compiled(JsonObjectSchema schema) {
    Schema found = COMPILED.get(schema);
    if (found != null) {
      return found;
    }
    Schema fresh =
        REGISTRY.getSchema(JSON.valueToTree(closed(schema, JsonSchemaElementUtils.toMap(schema))));
    if (COMPILED.size() < MAX_COMPILED) {
      COMPILED.putIfAbsent(schema, fresh);
    }
    return fresh;
  }

  /**
   * Copies LangChain4j's JSON-schema map of {@code element}, closing objects that do not say {@code
   * additionalProperties} (and keeping an explicit {@code true}, which the map omits).
   */
  private static Object closed(JsonSchemaElement element, Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(String.valueOf(k), v));
    if (element instanceof JsonObjectSchema object
        && copy.get("properties") instanceof Map<?, ?> p) {
      Map<String, Object> properties = new LinkedHashMap<>();
      p.forEach(
          (name, sub) ->
              properties.put(String.valueOf(name), closed(object.properties().get(name), sub)));
      copy.put("properties", properties);
    }
    if (element instanceof JsonArraySchema array && copy.containsKey("items")) {
      copy.put("items", closed(array.items(), copy.get("items")));
    }
    if (element instanceof JsonObjectSchema object) {
      copy.put("additionalProperties", Boolean.TRUE.equals(object.additionalProperties()));
    }
    return copy;
  }

  /** Most useful first: a missing or unknown property before a wrong value. */
  private static int rank(Error error) {
    return switch (String.valueOf(error.getKeyword())) {
      case "required" -> 0;
      case "additionalProperties" -> 1;
      case "type" -> 2;
      default -> 3;
    };
  }

  private static String sentence(Error error) {
    String at = path(error.getInstanceLocation());
    String keyword = String.valueOf(error.getKeyword());
    return switch (keyword) {
      case "required" -> "'" + join(at, error.getProperty()) + "' is required";
      case "additionalProperties" -> "unknown property '" + join(at, error.getProperty()) + "'";
      case "type" -> "'" + label(at) + "' must be " + article(expected(error, "type"));
      case "enum" -> "'" + label(at) + "' must be one of " + expected(error, "enum");
      case "maxLength" ->
          "'" + label(at) + "' must be at most " + expected(error, "maxLength") + " characters";
      case "minLength" ->
          "'" + label(at) + "' must be at least " + expected(error, "minLength") + " characters";
      case "minimum", "exclusiveMinimum" ->
          "'" + label(at) + "' must be at least " + expected(error, keyword);
      case "maximum", "exclusiveMaximum" ->
          "'" + label(at) + "' must be at most " + expected(error, keyword);
      default -> "'" + label(at) + "' is invalid: " + error.getMessage();
    };
  }

  /** The schema's value for {@code keyword} at the failing location, as JSON text. */
  private static String expected(Error error, String keyword) {
    JsonNode node = error.getSchemaNode();
    if (node != null && node.isObject() && node.has(keyword)) {
      node = node.get(keyword);
    }
    if (node == null) {
      return "valid";
    }
    if (node.isArray() && "type".equals(keyword)) {
      StringBuilder types = new StringBuilder();
      node.forEach(t -> types.append(types.isEmpty() ? "" : " or ").append(t.asText()));
      return types.toString();
    }
    return node.isTextual() && !"enum".equals(keyword) ? node.asText() : node.toString();
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "object", "array" -> "an " + type;
      case "null" -> "null";
      default -> "a " + type;
    };
  }

  /** "$.a.b[2]" → "a.b[2]"; the root is "". */
  private static String path(NodePath location) {
    if (location == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        out.append('[').append(index).append(']');
      } else {
        out.append(out.isEmpty() ? "" : ".").append(element);
      }
    }
    return out.toString();
  }

  private static String join(String parent, String property) {
    return parent.isEmpty() ? String.valueOf(property) : parent + "." + property;
  }

  private static String label(String at) {
    return at.isEmpty() ? "arguments" : at;
  }
}
