package io.tramontane.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tramontane.core.InvalidRequestException;
import java.io.IOException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON bodies of the HTTP API. */
final class Json {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private Json() {}

  /**
   * Parses a request body; a syntax error is an {@link InvalidRequestException} saying where, in
   * words (without the parser's internals).
   */
  static JsonNode read(byte[] bytes, String what) {
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new InvalidRequestException(
          what + " is not valid JSON" + where + ": " + e.getOriginalMessage() + ".");
    } catch (IOException e) {
      throw new InvalidRequestException(what + " cannot be read: " + e.getMessage());
    }
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
