package io.tramontane.bench;

import com.typesafe.config.Config;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.tramontane.agents.Agents;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.Retrieval;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Agent turns with a scripted model (one tool call, then an answer: six persisted steps per turn)
 * on 1, 10 and 50 concurrent sessions: persisted steps per second and the turn's p50/p99, against
 * the same journal's plain one-event-per-command rate measured in the same run.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description =
        "Agent sessions with a scripted model and a no-op tool: persisted steps/s and turn"
            + " latency vs the journal's plain persist rate (AgentStepEntity) in the same run.")
public final class AgentBench implements Callable<Integer> {

  @Mixin BenchOptions options;

  @Mixin BenchDatabase database;

  static final int STEPS_PER_TURN = 6;

  /** Answers a user message with a call to {@code noop}, and the tool's result with text. */
  static final class Scripted implements ChatModel {
    @Override
    public ChatResponse doChat(ChatRequest request) {
      if (request.messages().getLast() instanceof ToolExecutionResultMessage) {
        return ChatResponse.builder().aiMessage(AiMessage.from("Done.")).build();
      }
      return ChatResponse.builder()
          .aiMessage(
              AiMessage.from(
                  List.of(
                      ToolExecutionRequest.builder()
                          .id("c1")
                          .name("noop")
                          .arguments("{\"n\": 1}")
                          .build())))
          .build();
    }
  }

  /** A tool that does nothing, instantly. */
  static final class Noop implements Tool {
    @Override
    public String name() {
      return "noop";
    }

    @Override
    public String description() {
      return "does nothing";
    }

    @Override
    public JsonObjectSchema parameters() {
      return JsonObjectSchema.builder().addIntegerProperty("n").build();
    }

    @Override
    public boolean sideEffecting() {
      return false;
    }

    @Override
    public ToolResult execute(ToolCall call) {
      return ToolResult.of("ok");
    }
  }

  @Override
  public Integer call() throws Exception {
    ClosedLoopBench bench = new ClosedLoopBench("agent", "session(s)", STEPS_PER_TURN, options);
    List<ClosedLoopBench.Level> levels = new ArrayList<>();
    for (DatabaseSettings.Kind kind : database.kinds("h2")) {
      Path data = Files.createTempDirectory("tramontane-bench-agent");
      Config config =
          BenchNode.config(
              data, kind, Map.of("tramontane.agents.dir", data.resolve("agents").toString()));
      try (InferenceRuntime inference = InferenceRuntime.start(config)) {
        TramontaneSystem node = TramontaneSystem.start(config);
        try (Retrieval retrieval = Retrieval.start(node, inference, config);
            Agents agents =
                Agents.start(
                    node,
                    io.tramontane.server.SearchRetrievers.of(retrieval),
                    config,
                    Map.of("scripted", new Scripted()),
                    new ToolRegistry().register(new Noop()))) {
          agents.define(
              "bench",
              "bench",
              ("name: bench\ndescription: bench\nmodel: scripted\ninstructions: Do it.\n"
                      + "tools: [noop]\nlimits: {max-steps: 4, max-tool-calls: 4}\n")
                  .getBytes(StandardCharsets.UTF_8));
          String run = UUID.randomUUID().toString().substring(0, 8);
          // Each lane is one session; every operation is one more turn in it.
          levels.addAll(
              bench.measure(
                  kind,
                  node,
                  run,
                  "plain-" + run,
                  (session, n) ->
                      agents
                          .ask("bench", "bench", session, "go", Set.of())
                          .toCompletableFuture()
                          .join()));
        } finally {
          node.close();
        }
      }
    }
    bench.report(
        "Agent turns — scripted model, one tool call per turn ("
            + STEPS_PER_TURN
            + " persisted steps)",
        List.of(
            "db · sessions",
            "turns",
            "steps/s",
            "turn p50",
            "turn p99",
            "plain events/s",
            "steps ÷ plain"),
        "plain = AgentStepEntity, one ~512-byte event per command, same sessions in closed loop, same"
            + " journal, same run. A turn persists MessageReceived, ModelAnswered, ToolCallRequested,"
            + " ToolCallCompleted, ModelAnswered, AnswerProduced in 4 writes.",
        levels);
    return 0;
  }
}
