package io.tramontane.server.http.body;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * An RFC 7807 problem, the body of every error answer ({@code application/problem+json}).
 *
 * @param type {@code about:blank}, or a URI naming a problem with its own members (an invalid
 *     definition: {@code problems})
 * @param title a short summary, the same for every occurrence
 * @param status the HTTP status, as a number
 * @param detail what went wrong this time and how to fix it
 * @param extensions further members, written beside the standard ones
 */
public record ProblemBody(
    String type,
    String title,
    int status,
    String detail,
    @JsonIgnore Map<String, Object> extensions) {

  public ProblemBody {
    extensions = Map.copyOf(extensions);
  }

  /** The extension members, written at the top level of the problem. */
  @JsonAnyGetter
  public Map<String, Object> members() {
    return extensions;
  }
}
