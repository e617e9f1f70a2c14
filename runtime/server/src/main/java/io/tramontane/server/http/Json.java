package io.tramontane.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.TramontaneException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/**
 * JSON bodies of the HTTP API: request bodies are read into records strictly (an unknown field, a
 * value of the wrong type, trailing content are refused, named, in words, without the parser's
 * internals); response bodies are records written as they are.
 */
final class Json {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  /** Reads request bodies: nothing is guessed (no "5" for 5, no 5 for "5"), nothing is ignored. */
  private static final ObjectMapper STRICT = strict();

  private Json() {}

  private static ObjectMapper strict() {
    ObjectMapper m =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    for (LogicalType type :
        List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean)) {
      m.coercionConfigFor(type)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    m.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
    return m;
  }

  /**
   * Parses a request body; a syntax error is an {@link InvalidRequestException} saying where, in
   * words (without the parser's internals).
   */
  static JsonNode read(byte[] bytes, String what) {
    try {
      return storable(MAPPER.readTree(bytes), what, "");
    } catch (JsonProcessingException e) {
      throw notJson(e, what);
    } catch (IOException e) {
      throw new InvalidRequestException(what + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * Reads a request body into {@code type}: a mistake is an {@link InvalidRequestException} naming
   * the field and what it must be, or the unknown field and the fields there are; a record's own
   * check (in its constructor) speaks for itself.
   */
  static <T> T read(byte[] bytes, Class<T> type, String what) {
    try {
      T value = STRICT.readValue(bytes, type);
      if (value == null) {
        throw new InvalidRequestException(what + " must be a JSON object, not null.");
      }
      storable(MAPPER.readTree(bytes), what, "");
      return value;
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof TramontaneException refused) {
        throw refused;
      }
      throw new InvalidRequestException(what + " cannot be read: " + e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      throw unknownField(e, what);
    } catch (MismatchedInputException e) {
      throw tooLarge(e) ? notJson(e, what) : mismatched(e, what);
    } catch (JsonProcessingException e) {
      throw notJson(e, what);
    } catch (IOException e) {
      throw new InvalidRequestException(what + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * {@code node}, refused if the journal could not store it as it was sent: a text (or a field
   * name) with an unpaired UTF-16 surrogate ({@code "\\ud800"} has no UTF-8 form), or a number too
   * large for a double (1e99999 would become "Infinity").
   */
  private static JsonNode storable(JsonNode node, String what, String at) {
    String where = at.isEmpty() ? what : "'" + at + "' in " + what;
    if (node.isTextual() && !UTF_8.newEncoder().canEncode(node.textValue())) {
      throw new InvalidRequestException(
          where + " contains an unpaired UTF-16 surrogate; send well-formed Unicode text.");
    }
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      throw new InvalidRequestException(
          where + " is a number too large to store; send a smaller one.");
    }
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
      if (!UTF_8.newEncoder().canEncode(field.getKey())) {
        throw new InvalidRequestException(
            "a field name in " + what + " contains an unpaired UTF-16 surrogate.");
      }
      storable(field.getValue(), what, at.isEmpty() ? field.getKey() : at + "." + field.getKey());
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        storable(node.get(i), what, at + "[" + i + "]");
      }
    }
    return node;
  }

  /** The parser's nesting or length limit, possibly wrapped by the mapping of a field. */
  private static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StreamConstraintsException) {
        return true;
      }
    }
    return false;
  }

  private static InvalidRequestException notJson(JsonProcessingException e, String what) {
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    if (tooLarge(e)) {
      return new InvalidRequestException(
          what
              + " is nested too deeply or holds a value too long"
              + where
              + "; flatten it or shorten the value.");
    }
    return new InvalidRequestException(
        what + " is not valid JSON" + where + ": " + inWords(e) + ".");
  }

  /** "out of range of int (-2147483648 - 2147483647)": the bounds. */
  private static final Pattern RANGE = Pattern.compile("\\((-?\\d+) - (-?\\d+)\\)");

  /** What the parser found, in words: never its own text, which names its internals. */
  private static String inWords(JsonProcessingException e) {
    String original = String.valueOf(e.getOriginalMessage());
    String field =
        !path(e).isEmpty()
            ? "'" + path(e) + "'"
            : e.getProcessor() instanceof JsonParser p
                    && p.getParsingContext().getCurrentName() != null
                ? "'" + p.getParsingContext().getCurrentName() + "'"
                : "a number";
    boolean coercion = original.contains("out of range of");
    for (Throwable t = e; t != null; t = t.getCause()) {
      coercion |= t instanceof InputCoercionException;
    }
    if (coercion) {
      Matcher range = RANGE.matcher(original);
      return field
          + " is out of range"
          + (range.find()
              ? ": it must be between " + range.group(1) + " and " + range.group(2)
              : "");
    }
    if (e instanceof JsonEOFException || original.contains("end-of-input")) {
      return "the body ends before the JSON value is complete";
    }
    if (original.startsWith("Duplicate field '")) {
      String name = original.substring(17, Math.max(17, original.indexOf('\'', 17)));
      return "the field '" + name + "' is given twice; give it once";
    }
    if (original.startsWith("Unrecognized token '")) {
      String token = original.substring(20, Math.max(20, original.indexOf('\'', 20)));
      return "'" + shorten(token) + "' is not a JSON value (put text in double quotes)";
    }
    if (original.startsWith("Unexpected character ('")) {
      int end = original.indexOf("' (code", 23);
      String c = end > 23 ? original.substring(23, end) : "?";
      return "unexpected character '" + c + "'";
    }
    return "it is not well-formed JSON";
  }

  private static String shorten(String token) {
    return token.length() > 40 ? token.substring(0, 40) + "…" : token;
  }

  private static InvalidRequestException unknownField(
      UnrecognizedPropertyException e, String what) {
    String field = e.getPropertyName();
    if ("tenant".equals(field)) {
      return new InvalidRequestException(
          "the field 'tenant' is not accepted: the tenant is the API key's.");
    }
    return new InvalidRequestException(
        "unknown field '"
            + path(e)
            + "' in "
            + what
            + "; accepted: "
            + accepted(e.getKnownPropertyIds())
            + ".");
  }

  private static String accepted(Collection<Object> known) {
    return known == null
        ? "none"
        : known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static InvalidRequestException mismatched(MismatchedInputException e, String what) {
    String expected = expected(e.getTargetType());
    if (e.getPath().isEmpty()) {
      return new InvalidRequestException(what + " must be " + expected + ".");
    }
    String path = path(e);
    int element = path.lastIndexOf('[');
    if (path.endsWith("]") && element > 0) {
      // an element of an array: name the array too, as the client wrote it
      return new InvalidRequestException(
          "'"
              + path
              + "' must be "
              + expected
              + ": every element of '"
              + path.substring(0, element)
              + "' is.");
    }
    return new InvalidRequestException("'" + path + "' must be " + expected + ".");
  }

  /** {@code principals[0]}, {@code data.items[2].name}. */
  private static String path(JsonProcessingException e) {
    StringBuilder b = new StringBuilder();
    if (e instanceof JsonMappingException m) {
      for (var ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          b.append('[').append(ref.getIndex()).append(']');
        }
      }
    }
    return b.toString();
  }

  /** What a value of {@code type} is, in the API's words. */
  private static String expected(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (type.isEnum()) {
      return "one of " + List.of(type.getEnumConstants());
    }
    return "a JSON object";
  }

  static HttpResponse response(StatusCode status, Object body) {
    return response(status, ContentTypes.APPLICATION_JSON, body);
  }

  static HttpResponse response(StatusCode status, ContentType type, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(type, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a response body as JSON", e);
    }
  }
}
