package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A workflow error in the DSL's RFC 7807 shape ({@code type}, {@code status}, {@code title}, {@code
 * detail}, {@code instance} = the task reference), raised by {@code raise}, by a failing call, or
 * by the runtime; {@code try}/{@code catch} can handle it.
 */
public final class WorkflowError extends RuntimeException {

  /** The DSL's standard error types. */
  public static final String RUNTIME = "https://serverlessworkflow.io/spec/1.0.0/errors/runtime";

  public static final String EXPRESSION =
      "https://serverlessworkflow.io/spec/1.0.0/errors/expression";
  public static final String COMMUNICATION =
      "https://serverlessworkflow.io/spec/1.0.0/errors/communication";
  public static final String TIMEOUT = "https://serverlessworkflow.io/spec/1.0.0/errors/timeout";

  private final String type;
  private final int status;
  private final String title;
  private final String detail;
  private final String instance;

  public WorkflowError(String type, int status, String title, String detail, String instance) {
    super(title + (detail == null ? "" : ": " + detail) + " (at " + instance + ")");
    this.type = type;
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.instance = instance;
  }

  /** An error of the runtime itself (type {@link #RUNTIME}) at {@code instance}. */
  public static WorkflowError runtime(int status, String title, String detail, String instance) {
    return new WorkflowError(RUNTIME, status, title, detail, instance);
  }

  static WorkflowError from(JsonNode error, String instance) {
    return new WorkflowError(
        error.path("type").asText(RUNTIME),
        error.path("status").asInt(500),
        error.path("title").asText("Error"),
        error.hasNonNull("detail") ? error.get("detail").asText() : null,
        instance);
  }

  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  public String instance() {
    return instance;
  }

  public JsonNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("type", type).put("status", status).put("title", title).put("instance", instance);
    if (detail != null) {
      n.put("detail", detail);
    }
    return n;
  }
}
