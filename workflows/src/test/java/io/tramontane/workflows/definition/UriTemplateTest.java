package io.tramontane.workflows.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * dsl-reference.md "URI Template": RFC 6570 simple string expansion (section 3.2.2) of top-level
 * task-input properties; a missing variable is empty, an object or array is an error. The expected
 * strings are RFC 6570's own (section 3.2.1 variables: var, hello, half, x, y, empty, undef).
 */
class UriTemplateTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode vars() throws Exception {
    return JSON.readTree(
        """
        {"var": "value", "hello": "Hello World!", "half": "50%", "x": 1024, "y": 768,
         "empty": "", "nothing": null, "pet.id": "p7", "pet": {"id": "nested"},
         "tags": ["a", "b"], "ok": true, "ratio": 1.5, "city": "Zürich/Nord"}
        """);
  }

  static String expand(String template) throws Exception {
    return UriTemplate.parse(template).expand(vars());
  }

  @Test
  void simpleStringExpansionAsRfc6570() throws Exception {
    assertEquals("value", expand("{var}"));
    assertEquals("Hello%20World%21", expand("{hello}"));
    assertEquals("50%25", expand("{half}"));
    assertEquals("OX", expand("O{empty}X"));
    assertEquals("OX", expand("O{undef}X"));
    assertEquals("1024,768", expand("{x,y}"));
    assertEquals("1024,Hello%20World%21,768", expand("{x,hello,y}"));
    assertEquals("?1024,", expand("?{x,empty}"));
    assertEquals("?1024", expand("?{x,undef}"));
    assertEquals("?768", expand("?{undef,y}"));
    assertEquals("val", expand("{var:3}"));
    assertEquals("value", expand("{var:30}"));
    assertEquals("value", expand("{var*}"));
  }

  @Test
  void valuesArePercentEncodedAsUtf8AndScalarsAreTheirText() throws Exception {
    assertEquals(
        "https://api.example/cities/Z%C3%BCrich%2FNord/weather",
        expand("https://api.example/cities/{city}/weather"));
    assertEquals("https://api.example/t/true/1.5", expand("https://api.example/t/{ok}/{ratio}"));
    assertEquals("https://api.example/p/", expand("https://api.example/p/{nothing}"));
  }

  @Test
  void identifiersAreTopLevelPropertiesTakenVerbatim() throws Exception {
    assertEquals("https://pets.example/p7", expand("https://pets.example/{pet.id}"));
  }

  @Test
  void anObjectOrArrayVariableIsAnError() {
    var object =
        assertThrows(
            UriTemplate.TemplateException.class, () -> expand("https://pets.example/{pet}"));
    assertTrue(object.getMessage().contains("'pet' is an object"), object.getMessage());
    var array =
        assertThrows(
            UriTemplate.TemplateException.class, () -> expand("https://pets.example/{tags}"));
    assertTrue(array.getMessage().contains("'tags' is an array"), array.getMessage());
  }

  @Test
  void literalTextIsKeptExceptWhatAUriCannotHold() throws Exception {
    assertEquals(
        "https://x.example/a%20b/%25/c%2Fd?q=1&r=2#f",
        expand("https://x.example/a b/%/c%2Fd?q=1&r=2#f"));
    assertEquals("https://x.example/caf%C3%A9", expand("https://x.example/café"));
  }

  @Test
  void operatorsAndMalformedExpressionsAreRefused() {
    for (String bad :
        new String[] {
          "https://x.example/{+path}",
          "https://x.example/{?q}",
          "https://x.example/{/p}",
          "https://x.example/{#f}",
          "https://x.example/{pet-id}",
          "https://x.example/{}",
          "https://x.example/{id",
          "https://x.example/{a{b}",
          "https://x.example/id}",
          "https://x.example/{id:0}",
          "https://x.example/{a,,b}"
        }) {
      assertThrows(UriTemplate.TemplateException.class, () -> UriTemplate.parse(bad), bad);
    }
  }

  @Test
  void theSampleReplacesExpressionsSoTheHostCanBeATemplate() {
    assertEquals("https://x/pets/x", UriTemplate.parse("https://{host}/pets/{id}").sample());
  }
}
