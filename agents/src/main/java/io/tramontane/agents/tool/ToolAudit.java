package io.tramontane.agents.tool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records for tool refusals, on the SLF4J logger {@value #LOGGER} at WARN (RELIABILITY S3,
 * S4). A record names the tool, the session and the reason; callers pass reasons that carry no
 * secrets and no bodies (a host rather than a URL with its query, a path rather than content).
 */
final class ToolAudit {

  static final String LOGGER = "tramontane.audit";

  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);
  private static final int MAX_REASON_CHARS = 300;

  private ToolAudit() {}

  /** Records that {@code call} was refused, and returns the exception to throw for the model. */
  static ToolException refused(ToolCall call, String reason) {
    AUDIT.warn(
        "tool call refused: tool={} session={} reason={}",
        call.tool(),
        call.sessionId(),
        printable(reason));
    return new ToolException(reason, false);
  }

  /** Records an executed call of a side-effecting tool (INFO): what was done, never payloads. */
  static void executed(ToolCall call, String summary) {
    AUDIT.info(
        "tool call executed: tool={} session={} {}",
        call.tool(),
        call.sessionId(),
        printable(summary));
  }

  /** Control characters replaced and length capped, so a reason cannot forge log lines. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(MAX_REASON_CHARS)
        .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return text.codePointCount(0, text.length()) > MAX_REASON_CHARS ? out + "…" : out.toString();
  }

  /**
   * The schema check again, inside the tool: a tool called without the session (tests, other
   * modules) still never acts on malformed arguments, and the refusal is audited with its session.
   */
  static void checkArguments(Tool tool, ToolCall call) throws ToolException {
    var problem = ArgumentValidator.validate(tool.parameters(), call.arguments());
    if (problem.isPresent()) {
      throw refused(call, "bad arguments: " + problem.get());
    }
  }
}
