package io.tramontane.server.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.InvalidRequestException;

/**
 * A JSON value given on the command line ({@code run --input}, {@code runs approve --data}): a
 * mistake is told in plain words with its line and column, never in the parser's own terms.
 */
final class JsonArgument {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonArgument() {}

  static JsonNode parse(String flag, String text) {
    try {
      JsonNode value = JSON.readTree(text);
      if (value == null || value.isMissingNode()) {
        throw new InvalidRequestException(flag + " is empty; give a JSON value, e.g. '{}'.");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(flag + " is not valid JSON " + where(e, text) + ".");
    }
  }

  private static String where(JsonProcessingException e, String text) {
    JsonLocation at = e.getLocation();
    String place =
        at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    if (e instanceof JsonEOFException) {
      return place + "it ends before the value is complete (a missing } ] or quote?)";
    }
    String[] lines = text.split("\n", -1);
    int line = at == null ? 0 : at.getLineNr();
    int column = at == null ? 0 : at.getColumnNr();
    if (line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1].length()) {
      return place
          + "unexpected '"
          + lines[line - 1].charAt(column - 1)
          + "' (names and strings need double quotes, e.g. '{\"ticket\": 42}')";
    }
    return place + "it is not a JSON value (e.g. '{\"ticket\": 42}')";
  }
}
