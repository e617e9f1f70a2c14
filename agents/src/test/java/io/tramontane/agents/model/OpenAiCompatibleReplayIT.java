package io.tramontane.agents.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import dev.langchain4j.model.chat.ChatModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An OpenAI-compatible chat-completions server (OpenAI itself, vLLM, LM Studio, llama.cpp server:
 * POST /v1/chat/completions, Bearer key) replayed from the shapes in OpenAI's API reference: {@code
 * call_}-prefixed tool-call ids, {@code content: null} beside tool calls, and {@code {"error":
 * {...}}} bodies whose 401 message repeats part of the key.
 */
class OpenAiCompatibleReplayIT extends AbstractChatCompletionsReplayIT {

  @Override
  String provider() {
    return "openai";
  }

  @Override
  String toolCallId() {
    return "call_Qx3b7RkTn2VZ8pWm4yHs1LcE";
  }

  @Override
  String toolCallResponse() {
    return """
        {
          "id": "chatcmpl-9pQ2mZb7Yk3fV1rT8sWx4nLh0aUe",
          "object": "chat.completion",
          "created": 1722424133,
          "model": "replay-model",
          "system_fingerprint": "fp_0f03d4f0ee",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "refusal": null,
                "tool_calls": [
                  {
                    "id": "call_Qx3b7RkTn2VZ8pWm4yHs1LcE",
                    "type": "function",
                    "function": {
                      "name": "retrieve",
                      "arguments": "{\\"query\\": \\"notice period Lyon lease\\"}"
                    }
                  }
                ]
              },
              "logprobs": null,
              "finish_reason": "tool_calls"
            }
          ],
          "usage": {"prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99}
        }
        """;
  }

  @Override
  String finalResponse() {
    return """
        {
          "id": "chatcmpl-9pQ2nA4cLw8dK6eR2tYv0bMj5sXo",
          "object": "chat.completion",
          "created": 1722424135,
          "model": "replay-model",
          "system_fingerprint": "fp_0f03d4f0ee",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": "The notice period is three months [1].",
                "refusal": null
              },
              "logprobs": null,
              "finish_reason": "stop"
            }
          ],
          "usage": {"prompt_tokens": 131, "completion_tokens": 10, "total_tokens": 141}
        }
        """;
  }

  @Override
  String unauthorizedResponse() {
    return """
        {
          "error": {
            "message": "Incorrect API key provided: repl************4086. You can find your API key in your account settings.",
            "type": "invalid_request_error",
            "param": null,
            "code": "invalid_api_key"
          }
        }
        """;
  }

  @Test
  void localServerWithoutKeyGetsNoAuthorizationHeader() {
    server.then(200, finalResponse());
    String hocon =
        "tramontane.agents.models.local { provider = openai, model-name = replay-model,"
            + " base-url = \""
            + server.baseUrl("/v1")
            + "\" }";
    ChatModel model =
        ModelProviders.fromConfig(ConfigFactory.parseString(hocon), Map.<String, String>of()::get)
            .find("local")
            .orElseThrow();

    assertEquals(ANSWER, model.chat(QUESTION));
    assertNull(server.received().getFirst().authorization());
  }
}
