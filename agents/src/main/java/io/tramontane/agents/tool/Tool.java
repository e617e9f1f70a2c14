package io.tramontane.agents.tool;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

/**
 * A capability an agent may call. The server registers every tool into the {@link ToolRegistry}:
 * this module's {@code retrieve}, {@code http.request} and {@code files.read}, and the tools a
 * connector brings (the IMAP connector's {@code mail.send} and {@code mail.reply}). An agent can
 * only call the tools its definition allows — the session enforces that in code, whatever the model
 * asks for.
 *
 * <p>Contract for implementations: {@link #execute} is blocking and runs on the agents' tool
 * dispatcher, never on an actor thread; it receives arguments already validated against {@link
 * #parameters()}; a side-effecting tool must deduplicate on {@link ToolCall#idempotencyKey()},
 * because after a crash the same call is issued again with the same key.
 */
public interface Tool {

  /** The name the model uses: lower case letters, digits, '.', '_' (e.g. {@code http.request}). */
  String name();

  /** What the tool does, for the model. */
  String description();

  /** The JSON schema of the arguments (an object). */
  JsonObjectSchema parameters();

  /**
   * True when the tool changes something outside the platform (sends mail, writes files, calls a
   * mutating API). Such tools can be put under approval in an agent definition.
   */
  boolean sideEffecting();

  /**
   * True when every call should wait for a person's approval unless an agent definition lists the
   * tool under {@code without-approval} (e.g. sending mail on someone's behalf). False by default.
   */
  default boolean approvalByDefault() {
    return false;
  }

  /** Runs the call. Failures the model should see are {@link ToolException}s. */
  ToolResult execute(ToolCall call) throws ToolException;
}
