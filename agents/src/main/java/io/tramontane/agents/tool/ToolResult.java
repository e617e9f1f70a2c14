package io.tramontane.agents.tool;

import io.tramontane.core.CborSerializable;
import java.util.List;

/**
 * What a tool returned: text for the model (passed to it as delimited data, never as instructions)
 * and the citations behind it.
 */
public record ToolResult(String text, List<Citation> citations) implements CborSerializable {

  public ToolResult {
    text = text == null ? "" : text;
    citations = citations == null ? List.of() : List.copyOf(citations);
  }

  public static ToolResult of(String text) {
    return new ToolResult(text, List.of());
  }
}
