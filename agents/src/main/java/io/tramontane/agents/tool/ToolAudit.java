package io.tramontane.agents.tool;

import io.tramontane.core.audit.Audit;

/**
 * Audit records of tool calls, written by the platform's {@link Audit} (logger {@value #LOGGER}): a
 * refusal at WARN, an executed side-effecting call at INFO. A record names the tool, the session
 * and the reason; callers pass reasons that carry no bodies (a host rather than a URL with its
 * query, a path rather than content); {@link Audit} removes control characters and known secrets.
 */
public final class ToolAudit {

  static final String LOGGER = Audit.LOGGER;

  private ToolAudit() {}

  /** Records that {@code call} was refused, and returns the exception to throw for the model. */
  public static ToolException refused(ToolCall call, String reason) {
    Audit.refused("tool call refused", fields(call, Audit.field("reason", reason)));
    return new ToolException(reason, false);
  }

  /** Records an executed call of a side-effecting tool (INFO): what was done, never payloads. */
  public static void executed(ToolCall call, String summary) {
    done("tool call executed", call, Audit.field("did", summary));
  }

  /** Records {@code event} of {@code call} (INFO) with the tool, the session and {@code more}. */
  public static void done(String event, ToolCall call, Audit.Field... more) {
    Audit.done(event, fields(call, more));
  }

  /**
   * The schema check again, inside the tool: a tool called without the session (tests, other
   * modules) still never acts on malformed arguments, and the refusal is audited with its session.
   */
  public static void checkArguments(Tool tool, ToolCall call) throws ToolException {
    var problem = ArgumentValidator.validate(tool.parameters(), call.arguments());
    if (problem.isPresent()) {
      throw refused(call, "bad arguments: " + problem.get());
    }
  }

  private static Audit.Field[] fields(ToolCall call, Audit.Field... more) {
    Audit.Field[] all = new Audit.Field[2 + more.length];
    all[0] = Audit.field("tool", call.tool());
    all[1] = Audit.field("session", call.sessionId());
    System.arraycopy(more, 0, all, 2, more.length);
    return all;
  }
}
