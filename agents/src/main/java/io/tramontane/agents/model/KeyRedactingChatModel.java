package io.tramontane.agents.model;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.tramontane.core.KnownSecrets;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The provider's chat model, except that no exception it throws carries the API key. LangChain4j
 * puts the server's error body in the exception message, and a proxy or a compatible server may
 * echo the {@code Authorization} header there (as written, JSON-escaped or URL-encoded); such a
 * message would end up in the session's persisted failure. (The logs redact every known secret on
 * their own: LangChain4j logs a retried failure before this wrapper sees it.) The exception keeps
 * its LangChain4j type (so retriable stays retriable) with the key replaced by {@value #REDACTED};
 * its cause chain, which repeats the key, is dropped.
 */
final class KeyRedactingChatModel implements ChatModel {

  static final String REDACTED = "[api key redacted]";

  private final ChatModel delegate;
  private final String key;

  KeyRedactingChatModel(ChatModel delegate, String key) {
    this.delegate = delegate;
    this.key = key;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return redacting(() -> delegate.chat(request));
  }

  @Override
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    return redacting(() -> delegate.chat(request, options));
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return redacting(() -> delegate.doChat(request));
  }

  /** The delegate's answer, or its failure with the key taken out. */
  private ChatResponse redacting(Supplier<ChatResponse> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw redact(e);
    }
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public String toString() {
    return "KeyRedacting[" + delegate.getClass().getSimpleName() + "]";
  }

  RuntimeException redact(RuntimeException e) {
    if (!mentionsKey(e)) {
      return e;
    }
    String message = KnownSecrets.redact(String.valueOf(e.getMessage()), key, REDACTED);
    RuntimeException clean =
        switch (e) {
          case AuthenticationException a -> new AuthenticationException(message);
          case RateLimitException r -> new RateLimitException(message);
          case ModelNotFoundException m -> new ModelNotFoundException(message);
          case ContentFilteredException c -> new ContentFilteredException(message);
          case InvalidRequestException i -> new InvalidRequestException(message);
          case InternalServerException i -> new InternalServerException(message);
          case TimeoutException t -> new TimeoutException(message);
          case HttpException h -> new HttpException(h.statusCode(), message);
          case RetriableException r -> new RetriableException(message);
          case NonRetriableException n -> new NonRetriableException(message);
          case LangChain4jException l -> new LangChain4jException(message);
          default -> new LangChain4jException(e.getClass().getName() + ": " + message);
        };
    clean.setStackTrace(e.getStackTrace());
    return clean;
  }

  private boolean mentionsKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (KnownSecrets.mentions(String.valueOf(t.getMessage()), key)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
