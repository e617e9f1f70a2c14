package io.tramontane.agents.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chat-model providers a name in {@code tramontane.agents.models} can use. */
public enum Provider {
  /** Mistral's La Plateforme API (or a compatible self-hosted endpoint). */
  MISTRAL("mistral", "https://api.mistral.ai/v1"),
  /** Any OpenAI-compatible chat-completions server: OpenAI, vLLM, LM Studio, llama.cpp server. */
  OPENAI("openai", "https://api.openai.com/v1"),
  /** An Ollama server, with its native API. */
  OLLAMA("ollama", "http://localhost:11434");

  private final String configName;
  private final String defaultBaseUrl;

  Provider(String configName, String defaultBaseUrl) {
    this.configName = configName;
    this.defaultBaseUrl = defaultBaseUrl;
  }

  /** The value of {@code provider} in configuration. */
  public String configName() {
    return configName;
  }

  /** Where the provider listens when {@code base-url} is not set. */
  public String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  static Optional<Provider> fromConfigName(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.configName.equals(v)).findFirst();
  }

  static String choices() {
    return Arrays.stream(values()).map(Provider::configName).collect(Collectors.joining(" | "));
  }
}
