package io.tramontane.agents.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ArgumentValidatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final JsonObjectSchema SCHEMA =
      JsonObjectSchema.builder()
          .addStringProperty("url")
          .addIntegerProperty("max_bytes")
          .addNumberProperty("ratio")
          .addBooleanProperty("follow")
          .addEnumProperty("method", List.of("GET", "POST"))
          .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
          .addProperty(
              "headers",
              JsonObjectSchema.builder().addStringProperty("name").required("name").build())
          .required("url")
          .build();

  private static Optional<String> check(String json) throws Exception {
    return ArgumentValidator.validate(SCHEMA, JSON.readTree(json));
  }

  @Test
  void acceptsValidArguments() throws Exception {
    assertEquals(
        Optional.empty(),
        check(
            """
            {"url":"https://example.com","max_bytes":10,"ratio":0.5,"follow":true,
             "method":"POST","tags":["a","b"],"headers":{"name":"x"}}
            """));
    assertEquals(Optional.empty(), check("{\"url\":\"u\"}"));
  }

  @Test
  void namesAMissingRequiredProperty() throws Exception {
    assertEquals(Optional.of("'url' is required"), check("{\"max_bytes\":1}"));
    assertEquals(
        Optional.of("'headers.name' is required"), check("{\"url\":\"u\",\"headers\":{}}"));
  }

  @Test
  void namesAWrongType() throws Exception {
    assertEquals(
        Optional.of("'max_bytes' must be an integer"),
        check("{\"url\":\"u\",\"max_bytes\":\"ten\"}"));
    assertEquals(
        Optional.of("'max_bytes' must be an integer"), check("{\"url\":\"u\",\"max_bytes\":1.5}"));
    assertEquals(Optional.of("'url' must be a string"), check("{\"url\":3}"));
    assertEquals(
        Optional.of("'follow' must be a boolean"), check("{\"url\":\"u\",\"follow\":\"yes\"}"));
    assertEquals(Optional.of("'ratio' must be a number"), check("{\"url\":\"u\",\"ratio\":\"x\"}"));
    assertEquals(
        Optional.of("'tags[1]' must be a string"), check("{\"url\":\"u\",\"tags\":[\"a\",2]}"));
  }

  @Test
  void refusesUnknownPropertiesByDefault() throws Exception {
    assertEquals(Optional.of("unknown property 'foo'"), check("{\"url\":\"u\",\"foo\":1}"));
    assertEquals(
        Optional.of("unknown property 'headers.extra'"),
        check("{\"url\":\"u\",\"headers\":{\"name\":\"n\",\"extra\":1}}"));
  }

  @Test
  void explicitAdditionalPropertiesTrueIsRespected() throws Exception {
    JsonObjectSchema open =
        JsonObjectSchema.builder().addStringProperty("a").additionalProperties(true).build();
    assertEquals(
        Optional.empty(), ArgumentValidator.validate(open, JSON.readTree("{\"a\":\"x\",\"b\":1}")));
  }

  @Test
  void namesTheAllowedEnumValues() throws Exception {
    Optional<String> error = check("{\"url\":\"u\",\"method\":\"TRACE\"}");
    assertTrue(error.orElseThrow().startsWith("'method' must be one of"), error.toString());
    assertTrue(error.orElseThrow().contains("GET"), error.toString());
  }

  @Test
  void refusesNonObjectArguments() throws Exception {
    assertEquals(Optional.of("the arguments must be a JSON object"), check("[1,2]"));
    assertEquals(
        Optional.of("the arguments must be a JSON object"),
        ArgumentValidator.validate(SCHEMA, null));
  }

  @Test
  void refusesOversizedArguments() throws Exception {
    JsonNode big =
        JSON.createObjectNode().put("url", "x".repeat(ArgumentValidator.MAX_ARGUMENT_BYTES));
    Optional<String> error = ArgumentValidator.validate(SCHEMA, big);
    assertTrue(error.orElseThrow().contains("at most 65536 bytes"), error.toString());
  }
}
