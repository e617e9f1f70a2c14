package io.tramontane.agents.definition;

import io.tramontane.core.CborSerializable;
import java.time.Duration;

/**
 * What one turn may spend; checked before every model call and every tool call.
 *
 * @param maxSteps model calls per turn
 * @param maxToolCalls tool calls per turn
 * @param maxTokens tokens per turn (estimated before a call, actual after)
 * @param timeout wall-clock time per turn
 */
public record Limits(int maxSteps, int maxToolCalls, int maxTokens, Duration timeout)
    implements CborSerializable {

  public static final Limits DEFAULT = new Limits(8, 8, 32_000, Duration.ofMinutes(2));
}
