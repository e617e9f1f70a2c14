package io.tramontane.agents.session;

import dev.langchain4j.model.chat.ChatModel;
import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What a session needs besides its events: definitions, models by name, tools, an executor for
 * blocking model and tool calls (never the actor's thread), and a clock.
 */
public record SessionRuntime(
    AgentCatalog catalog,
    Function<String, Optional<ChatModel>> models,
    ToolRegistry tools,
    Executor executor,
    Clock clock,
    PersistenceSettings persistence) {}
