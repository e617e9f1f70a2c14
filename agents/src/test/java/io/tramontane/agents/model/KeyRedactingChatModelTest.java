package io.tramontane.agents.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.junit.jupiter.api.Test;

class KeyRedactingChatModelTest {

  private static final String KEY = "k-0d1e2a3d4b5e6e7f";

  private static ChatModel throwing(RuntimeException e) {
    return new ChatModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        throw e;
      }
    };
  }

  @Test
  void retriableFailureStaysRetriableWithoutTheKey() {
    ChatModel model =
        new KeyRedactingChatModel(
            throwing(new RateLimitException("slow down, Bearer " + KEY, new RuntimeException(KEY))),
            KEY);

    RateLimitException e = assertThrows(RateLimitException.class, () -> model.chat("hello"));

    assertTrue(e instanceof RetriableException);
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertTrue(e.getMessage().contains("slow down"), e.getMessage());
    assertEquals(null, e.getCause(), "the cause repeated the key");
  }

  @Test
  void aKeyEchoedJsonEscapedOrUrlEncodedIsRedactedToo() {
    String key = "k-0d1e2a3d/4b5e\"6e7f";
    String body =
        "{\"message\": \"bad key k-0d1e2a3d/4b5e\\\"6e7f\", \"url\": \"?k=k-0d1e2a3d%2F4b5e%226e7f\"}";
    ChatModel model = new KeyRedactingChatModel(throwing(new HttpException(401, body)), key);
    HttpException e = assertThrows(HttpException.class, () -> model.chat("hello"));
    assertFalse(e.getMessage().contains("0d1e2a3d"), e.getMessage());
    assertEquals(401, e.statusCode());
  }

  @Test
  void keyOnlyInTheCauseIsRedactedToo() {
    ChatModel model =
        new KeyRedactingChatModel(throwing(new HttpException(502, "bad gateway")), KEY);
    HttpException plain = assertThrows(HttpException.class, () -> model.chat("hello"));
    assertEquals(502, plain.statusCode());

    RuntimeException withCause = new RuntimeException("wrapped", new IllegalStateException(KEY));
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> new KeyRedactingChatModel(throwing(withCause), KEY).chat("hello"));
    assertFalse(String.valueOf(e.getCause()).contains(KEY));
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
  }

  @Test
  void failureWithoutTheKeyIsThrownAsItIs() {
    HttpException original = new HttpException(503, "overloaded");

    HttpException e =
        assertThrows(
            HttpException.class,
            () -> new KeyRedactingChatModel(throwing(original), KEY).chat("hello"));

    assertSame(original, e);
  }
}
