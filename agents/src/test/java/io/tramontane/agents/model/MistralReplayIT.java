package io.tramontane.agents.model;

/**
 * Mistral's chat-completions API (POST /v1/chat/completions, Bearer key) replayed from the shapes
 * in its API reference and function-calling guide: nine-character tool-call ids, arguments as a
 * JSON string, {@code finish_reason: tool_calls}, and {@code {"message": ...}} error bodies.
 */
class MistralReplayIT extends AbstractChatCompletionsReplayIT {

  @Override
  String provider() {
    return "mistral";
  }

  @Override
  String toolCallId() {
    return "D681PevKs";
  }

  @Override
  String toolCallResponse() {
    return """
        {
          "id": "cmpl-e5cc70bb28c444948073e77776eb30ef",
          "object": "chat.completion",
          "created": 1702256327,
          "model": "mistral-small-latest",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                  {
                    "id": "D681PevKs",
                    "type": "function",
                    "function": {
                      "name": "retrieve",
                      "arguments": "{\\"query\\": \\"notice period Lyon lease\\"}"
                    }
                  }
                ]
              },
              "finish_reason": "tool_calls"
            }
          ],
          "usage": {"prompt_tokens": 94, "completion_tokens": 23, "total_tokens": 117}
        }
        """;
  }

  @Override
  String finalResponse() {
    return """
        {
          "id": "cmpl-0b3f9a4e1c7d4f2aa1c2d3e4f5a6b7c8",
          "object": "chat.completion",
          "created": 1702256329,
          "model": "mistral-small-latest",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": "The notice period is three months [1].",
                "tool_calls": null
              },
              "finish_reason": "stop"
            }
          ],
          "usage": {"prompt_tokens": 142, "completion_tokens": 11, "total_tokens": 153}
        }
        """;
  }

  @Override
  String unauthorizedResponse() {
    return """
        {"message": "Unauthorized", "request_id": "2c5b0d3c8e0a4f6b9d1e7a3f5c9b1d2e"}
        """;
  }
}
