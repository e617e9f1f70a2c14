package io.tramontane.connectors;

import io.tramontane.core.event.PlatformEvents;
import io.tramontane.core.system.TramontaneSystem;
import java.time.Clock;
import java.util.function.Function;

/**
 * What a connector kind may use from the node.
 *
 * @param node the node (actor system, persistence, data directory)
 * @param ingestion where documents go (the ingestion port; the node wires retrieval behind it)
 * @param events platform events
 * @param env environment lookup, for secrets given as {@code env:NAME} (tests pass their own)
 * @param clock the clock
 */
public record ConnectorResources(
    TramontaneSystem node,
    DocumentIngestion ingestion,
    PlatformEvents events,
    Function<String, String> env,
    Clock clock) {}
