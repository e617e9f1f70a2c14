package io.tramontane.connectors;

import io.tramontane.core.event.PlatformEvents;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.retrieval.Retrieval;
import java.time.Clock;
import java.util.function.Function;

/**
 * What a connector kind may use from the node.
 *
 * @param node the node (actor system, persistence, data directory)
 * @param retrieval documents and search
 * @param events platform events
 * @param env environment lookup, for secrets given as {@code env:NAME} (tests pass their own)
 * @param clock the clock
 */
public record ConnectorResources(
    TramontaneSystem node,
    Retrieval retrieval,
    PlatformEvents events,
    Function<String, String> env,
    Clock clock) {}
