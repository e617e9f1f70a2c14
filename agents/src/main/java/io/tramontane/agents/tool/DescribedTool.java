package io.tramontane.agents.tool;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

/**
 * A {@link Tool} whose name, description, argument schema and side effects are fixed when it is
 * made; a subclass writes only {@link #execute}.
 */
public abstract class DescribedTool implements Tool {

  private final String name;
  private final String description;
  private final JsonObjectSchema parameters;
  private final boolean sideEffecting;

  protected DescribedTool(
      String name, String description, JsonObjectSchema parameters, boolean sideEffecting) {
    this.name = name;
    this.description = description;
    this.parameters = parameters;
    this.sideEffecting = sideEffecting;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final JsonObjectSchema parameters() {
    return parameters;
  }

  @Override
  public final boolean sideEffecting() {
    return sideEffecting;
  }
}
