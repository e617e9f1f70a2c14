package io.tramontane.agents.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every chat-completions provider meets, against the real LangChain4j client built by
 * {@link ModelProviders} and a loopback server replaying the vendor's documented payloads: a tool
 * call is parsed, the tool result goes back with its call id and the key, the final answer is read,
 * and a refused key never appears in the exception.
 */
abstract class AbstractChatCompletionsReplayIT {

  static final String KEY = "replay-key-7f3a9c1e5b2d4086";
  static final String QUESTION = "What is the notice period in the Lyon lease?";
  static final String QUERY = "notice period Lyon lease";
  static final String TOOL_RESULT =
      "[1] lease-lyon.pdf p.4: The tenant may leave with three months' notice.";
  static final String ANSWER = "The notice period is three months [1].";

  private static final ObjectMapper JSON = new ObjectMapper();

  ReplayServer server;

  /** The {@code provider} value in configuration. */
  abstract String provider();

  /** The API root path the provider's client appends {@code /chat/completions} to. */
  String apiRoot() {
    return "/v1";
  }

  /** The id the provider gives its tool call. */
  abstract String toolCallId();

  /** The provider's documented answer asking for {@code retrieve(query)}. */
  abstract String toolCallResponse();

  /** The provider's documented final text answer. */
  abstract String finalResponse();

  /** The provider's documented 401 body. */
  abstract String unauthorizedResponse();

  @BeforeEach
  void startServer() throws Exception {
    server = new ReplayServer();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  ChatModel model() {
    String hocon =
        "tramontane.agents.models.replay { provider = "
            + provider()
            + ", model-name = replay-model, base-url = \""
            + server.baseUrl(apiRoot())
            + "\", api-key = \"env:REPLAY_KEY\", timeout = 10s, temperature = 0.25, max-tokens = 321 }";
    ModelProviders models =
        ModelProviders.fromConfig(ConfigFactory.parseString(hocon), Map.of("REPLAY_KEY", KEY)::get);
    return models.find("replay").orElseThrow();
  }

  static ToolSpecification retrieve() {
    return ToolSpecification.builder()
        .name("retrieve")
        .description("Searches the agent's document collections; returns numbered passages.")
        .parameters(
            JsonObjectSchema.builder()
                .addStringProperty("query", "what to search for")
                .required("query")
                .build())
        .build();
  }

  @Test
  void toolCallRoundTripEndsInTheFinalAnswer() throws Exception {
    server.then(200, toolCallResponse()).then(200, finalResponse());
    ChatModel model = model();
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from("Answer from the documents; cite them."));
    messages.add(UserMessage.from(QUESTION));

    ChatResponse first =
        model.chat(ChatRequest.builder().messages(messages).toolSpecifications(retrieve()).build());

    AiMessage call = first.aiMessage();
    assertTrue(call.hasToolExecutionRequests(), "the tool call is parsed");
    assertEquals(FinishReason.TOOL_EXECUTION, first.finishReason());
    ToolExecutionRequest request = call.toolExecutionRequests().getFirst();
    assertEquals(toolCallId(), request.id());
    assertEquals("retrieve", request.name());
    assertEquals(QUERY, JSON.readTree(request.arguments()).path("query").asText());

    messages.add(call);
    messages.add(ToolExecutionResultMessage.from(request, TOOL_RESULT));
    ChatResponse second =
        model.chat(ChatRequest.builder().messages(messages).toolSpecifications(retrieve()).build());

    assertEquals(ANSWER, second.aiMessage().text());
    assertEquals(FinishReason.STOP, second.finishReason());

    List<ReplayServer.Received> received = server.received();
    assertEquals(2, received.size());
    for (ReplayServer.Received r : received) {
      assertEquals("POST", r.method());
      assertEquals(apiRoot() + "/chat/completions", r.path());
      assertEquals("Bearer " + KEY, r.authorization());
    }
    JsonNode firstBody = JSON.readTree(received.get(0).body());
    assertEquals("replay-model", firstBody.path("model").asText());
    assertEquals(0.25, firstBody.path("temperature").asDouble(), firstBody.toString());
    assertEquals(321, firstBody.path("max_tokens").asInt(), firstBody.toString());
    assertEquals(
        "retrieve", firstBody.path("tools").path(0).path("function").path("name").asText());

    JsonNode sent = JSON.readTree(received.get(1).body()).path("messages");
    JsonNode assistant = sent.get(sent.size() - 2);
    assertEquals("assistant", assistant.path("role").asText());
    assertEquals(toolCallId(), assistant.path("tool_calls").path(0).path("id").asText());
    JsonNode toolMessage = sent.get(sent.size() - 1);
    assertEquals("tool", toolMessage.path("role").asText());
    assertEquals(toolCallId(), toolMessage.path("tool_call_id").asText());
    assertEquals(TOOL_RESULT, text(toolMessage.path("content")), toolMessage.toString());
  }

  @Test
  void refusedKeyBecomesAnExceptionThatDoesNotShowTheKey() {
    server.then(401, unauthorizedResponse());

    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> model().chat(QUESTION));

    assertNoKey(e);
    assertEquals(1, server.received().size(), "a refused key is not retried");
  }

  @Test
  void keyEchoedByAProxyIsNotShownEither() {
    server.then(
        r -> new ReplayServer.Reply(401, "{\"message\":\"bad token " + r.authorization() + "\"}"));

    AuthenticationException e =
        assertThrows(
            AuthenticationException.class,
            () -> model().chat(QUESTION),
            "still an authentication failure, so still not retried");

    assertNoKey(e);
    assertTrue(e.getMessage().contains("bad token"), "the server's words are kept: " + e);
  }

  /** Message content is a string, or (Mistral) a list of chunks whose text parts make it up. */
  static String text(JsonNode content) {
    if (!content.isArray()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    content.forEach(chunk -> text.append(chunk.path("text").asText()));
    return text.toString();
  }

  static void assertNoKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      assertFalse(message.contains(KEY), t.getClass().getName() + ": " + message);
      assertFalse(String.valueOf(t).contains(KEY), String.valueOf(t));
    }
  }
}
