package io.tramontane.server.http;

import io.tramontane.agents.Agents;
import io.tramontane.connectors.Connectors;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.intake.WebhookIntake;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.workflows.node.Workflows;

/**
 * What a server node runs: its actor system and the modules started on it, which the edge serves.
 */
public record NodeModules(
    TramontaneSystem node,
    InferenceRuntime inference,
    WebhookIntake intake,
    Retrieval retrieval,
    Agents agents,
    Workflows workflows,
    Connectors connectors) {}
