package io.tramontane.agents.model;

import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.ANSWER;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.KEY;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.QUERY;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.QUESTION;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.TOOL_RESULT;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.assertNoKey;
import static io.tramontane.agents.model.AbstractChatCompletionsReplayIT.retrieve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ollama's native chat API (POST /api/chat, not the chat-completions shape) replayed from its API
 * documentation: tool calls carry arguments as a JSON object and no id, the tool result goes back
 * as a {@code tool} message. An optional key is sent as a Bearer token, for an authenticating
 * proxy.
 */
class OllamaReplayIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String TOOL_CALL =
      """
      {
        "model": "qwen3",
        "created_at": "2025-07-22T20:33:28.123648Z",
        "message": {
          "role": "assistant",
          "content": "",
          "tool_calls": [
            {"function": {"name": "retrieve", "arguments": {"query": "notice period Lyon lease"}}}
          ]
        },
        "done_reason": "stop",
        "done": true,
        "total_duration": 885095291,
        "load_duration": 3753500,
        "prompt_eval_count": 122,
        "prompt_eval_duration": 328493000,
        "eval_count": 33,
        "eval_duration": 552222000
      }
      """;

  private static final String FINAL =
      """
      {
        "model": "qwen3",
        "created_at": "2025-07-22T20:33:30.002117Z",
        "message": {"role": "assistant", "content": "The notice period is three months [1]."},
        "done_reason": "stop",
        "done": true,
        "total_duration": 612094000,
        "prompt_eval_count": 160,
        "eval_count": 12
      }
      """;

  private ReplayServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = new ReplayServer();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ChatModel model() {
    String hocon =
        "tramontane.agents.models.local { provider = ollama, model-name = qwen3, base-url = \""
            + server.baseUrl("")
            + "\", api-key = \"env:PROXY_KEY\", timeout = 10s }";
    return ModelProviders.fromConfig(
            ConfigFactory.parseString(hocon), Map.of("PROXY_KEY", KEY)::get)
        .find("local")
        .orElseThrow();
  }

  @Test
  void toolCallRoundTripEndsInTheFinalAnswer() throws Exception {
    server.then(200, TOOL_CALL).then(200, FINAL);
    ChatModel model = model();
    List<ChatMessage> messages = new ArrayList<>(List.of(UserMessage.from(QUESTION)));

    ChatResponse first =
        model.chat(ChatRequest.builder().messages(messages).toolSpecifications(retrieve()).build());

    AiMessage call = first.aiMessage();
    assertTrue(call.hasToolExecutionRequests(), "the tool call is parsed");
    ToolExecutionRequest request = call.toolExecutionRequests().getFirst();
    assertEquals("retrieve", request.name());
    assertEquals(QUERY, JSON.readTree(request.arguments()).path("query").asText());

    messages.add(call);
    messages.add(ToolExecutionResultMessage.from(request, TOOL_RESULT));
    ChatResponse second =
        model.chat(ChatRequest.builder().messages(messages).toolSpecifications(retrieve()).build());
    assertEquals(ANSWER, second.aiMessage().text());

    List<ReplayServer.Received> received = server.received();
    assertEquals(2, received.size());
    for (ReplayServer.Received r : received) {
      assertEquals("/api/chat", r.path());
      assertEquals("Bearer " + KEY, r.authorization());
    }
    JsonNode sent = JSON.readTree(received.get(1).body()).path("messages");
    JsonNode toolMessage = sent.get(sent.size() - 1);
    assertEquals("tool", toolMessage.path("role").asText(), sent.toString());
    assertEquals(TOOL_RESULT, toolMessage.path("content").asText(), toolMessage.toString());
  }

  @Test
  void keyEchoedByAProxyIsNotShown() {
    server.then(
        r ->
            new ReplayServer.Reply(401, "{\"error\":\"unauthorized: " + r.authorization() + "\"}"));

    RuntimeException e = assertThrows(RuntimeException.class, () -> model().chat(QUESTION));

    assertNoKey(e);
  }
}
