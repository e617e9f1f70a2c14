package io.tramontane.agents.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.mistralai.MistralAiChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.outbound.OutboundHttp;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The language models agents can call, by name: each entry of {@code tramontane.agents.models}
 * becomes a LangChain4j {@link ChatModel} built with the provider's official module (Mistral,
 * OpenAI-compatible, Ollama), all on the JDK HTTP client.
 *
 * <p>Two names are special. {@value #EXTRACTIVE} is reserved: it is the extractive responder, which
 * answers from retrieval without a language model; the caller resolves it, so {@link #find} never
 * returns it. {@value #DEFAULT} is the configured entry of that name if there is one, otherwise the
 * environment decides, first match wins:
 *
 * <ol>
 *   <li>{@code MISTRAL_API_KEY}: Mistral, model {@code TRAMONTANE_MISTRAL_MODEL} or {@value
 *       #DEFAULT_MISTRAL_MODEL};
 *   <li>{@code TRAMONTANE_OPENAI_BASE_URL}: an OpenAI-compatible server (vLLM, LM Studio, llama.cpp
 *       server), model {@code TRAMONTANE_OPENAI_MODEL}, key {@code TRAMONTANE_OPENAI_API_KEY} if
 *       the server wants one;
 *   <li>{@code OLLAMA_BASE_URL}: Ollama, model {@code TRAMONTANE_OLLAMA_MODEL};
 *   <li>none of them: {@code default} is the extractive responder.
 * </ol>
 *
 * <p>Everything is checked when this is built: a bad entry stops start-up with a {@link
 * ConfigurationException} naming the full key. No model is contacted until it is used. Keys are
 * never logged nor put in messages.
 */
public final class ModelProviders {

  /** The reserved name of the extractive responder. */
  public static final String EXTRACTIVE = "extractive";

  /** The name agents use when they name no model. */
  public static final String DEFAULT = "default";

  /** The Mistral model {@code default} uses when only {@code MISTRAL_API_KEY} is set. */
  public static final String DEFAULT_MISTRAL_MODEL = "mistral-small-latest";

  private final Map<String, ModelSettings> settings;
  private final Map<String, ChatModel> models;

  private ModelProviders(Map<String, ModelSettings> settings) {
    // Keys read from the environment did not pass through SecretReference: the logs redact them
    // too.
    settings.values().forEach(s -> KnownSecrets.register(s.apiKey()));
    this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    Map<String, ChatModel> built = new LinkedHashMap<>();
    settings.forEach(
        (name, s) -> {
          ChatModel model = build(s);
          built.put(
              name, s.apiKey() == null ? model : new KeyRedactingChatModel(model, s.apiKey()));
        });
    this.models = Collections.unmodifiableMap(built);
  }

  /**
   * Reads {@code tramontane.agents.models} (absent means none) and, when it has no {@code default},
   * resolves {@code default} from {@code env}.
   *
   * @param env the environment lookup ({@code System::getenv} in production)
   * @throws ConfigurationException naming the full key of the first bad value
   */
  public static ModelProviders fromConfig(Config config, Function<String, String> env) {
    Map<String, ModelSettings> settings = new LinkedHashMap<>();
    if (config.hasPath(ModelSettings.ROOT)) {
      if (config.getValue(ModelSettings.ROOT).valueType() != ConfigValueType.OBJECT) {
        throw new ConfigurationException(
            ModelSettings.ROOT + " must be an object, one entry per model name.");
      }
      Config models = config.getConfig(ModelSettings.ROOT);
      for (String name : new TreeSet<>(models.root().keySet())) {
        if (name.equals(EXTRACTIVE)) {
          throw new ConfigurationException(
              ModelSettings.ROOT
                  + "."
                  + EXTRACTIVE
                  + " is reserved for the extractive responder; give the model another name.");
        }
        settings.put(name, ModelSettings.fromConfig(name, models, env));
      }
    }
    if (!settings.containsKey(DEFAULT)) {
      defaultFromEnvironment(env).ifPresent(s -> settings.put(DEFAULT, s));
    }
    return new ModelProviders(settings);
  }

  /**
   * The chat model of that name; empty for the extractive responder and for unknown names. Its
   * {@code chat} call blocks on HTTP: call it from a virtual thread or the blocking-IO dispatcher.
   */
  public Optional<ChatModel> find(String name) {
    return Optional.ofNullable(models.get(name));
  }

  /**
   * Whether an agent may name this model: a configured one, {@code default} or {@code extractive}.
   */
  public boolean exists(String name) {
    return name.equals(EXTRACTIVE) || name.equals(DEFAULT) || models.containsKey(name);
  }

  /** Whether this name means the extractive responder (which the caller provides). */
  public boolean isExtractive(String name) {
    return name.equals(EXTRACTIVE) || (name.equals(DEFAULT) && !models.containsKey(DEFAULT));
  }

  /** The configured names, {@code default} included when it is a model; sorted. */
  public Set<String> names() {
    return Collections.unmodifiableSet(new TreeSet<>(models.keySet()));
  }

  /**
   * Provider, model and base URL, for logs and status pages; never the key.
   *
   * @throws IllegalArgumentException if the name does not {@link #exists exist}
   */
  public String describe(String name) {
    if (isExtractive(name)) {
      return "extractive responder (answers from retrieval, no language model)";
    }
    ModelSettings s = settings.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "no model named \"" + name + "\"; configured: " + names() + ", and " + EXTRACTIVE);
    }
    return s.describe();
  }

  static Optional<ModelSettings> defaultFromEnvironment(Function<String, String> env) {
    String mistralKey = env(env, "MISTRAL_API_KEY");
    if (mistralKey != null) {
      String model = env(env, "TRAMONTANE_MISTRAL_MODEL");
      return fromEnvironment(
          Provider.MISTRAL, null, model == null ? DEFAULT_MISTRAL_MODEL : model, mistralKey);
    }
    String openAiUrl = env(env, "TRAMONTANE_OPENAI_BASE_URL");
    if (openAiUrl != null) {
      ModelSettings.checkUrl("TRAMONTANE_OPENAI_BASE_URL", openAiUrl);
      return fromEnvironment(
          Provider.OPENAI,
          openAiUrl,
          required(env, "TRAMONTANE_OPENAI_MODEL", "TRAMONTANE_OPENAI_BASE_URL"),
          env(env, "TRAMONTANE_OPENAI_API_KEY"));
    }
    String ollamaUrl = env(env, "OLLAMA_BASE_URL");
    if (ollamaUrl != null) {
      ModelSettings.checkUrl("OLLAMA_BASE_URL", ollamaUrl);
      return fromEnvironment(
          Provider.OLLAMA,
          ollamaUrl,
          required(env, "TRAMONTANE_OLLAMA_MODEL", "OLLAMA_BASE_URL"),
          null);
    }
    return Optional.empty();
  }

  /** The default model set by environment variables: the default timeout, no sampling limits. */
  private static Optional<ModelSettings> fromEnvironment(
      Provider provider, String baseUrl, String model, String apiKey) {
    return Optional.of(
        new ModelSettings(
            DEFAULT, provider, baseUrl, model, apiKey, null, ModelSettings.DEFAULT_TIMEOUT, null));
  }

  private static String env(Function<String, String> env, String var) {
    String v = env.apply(var);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String required(Function<String, String> env, String var, String because) {
    String v = env(env, var);
    if (v == null) {
      throw new ConfigurationException(
          because
              + " is set, so "
              + ModelSettings.ROOT
              + "."
              + DEFAULT
              + " uses that server, but "
              + var
              + " is not set; export it with the model's name.");
    }
    return v;
  }

  private static ChatModel build(ModelSettings s) {
    return switch (s.provider()) {
      // No retries in the client: every call is a counted session step; the session decides.
      case MISTRAL ->
          MistralAiChatModel.builder()
              .httpClientBuilder(httpClient(s))
              .baseUrl(s.baseUrl())
              .apiKey(s.apiKey())
              .defaultRequestParameters(parameters(s))
              .timeout(s.timeout())
              .maxRetries(0)
              .build();
      case OPENAI ->
          OpenAiChatModel.builder()
              .baseUrl(s.baseUrl())
              .apiKey(s.apiKey())
              .defaultRequestParameters(parameters(s))
              .httpClientBuilder(httpClient(s))
              .maxRetries(0)
              .timeout(s.timeout())
              .build();
      case OLLAMA ->
          OllamaChatModel.builder()
              .httpClientBuilder(httpClient(s))
              .baseUrl(s.baseUrl())
              .modelName(s.modelName())
              .temperature(s.temperature())
              .numPredict(s.maxTokens())
              .timeout(s.timeout())
              .maxRetries(0)
              .customHeaders(
                  s.apiKey() == null ? Map.of() : Map.of("Authorization", "Bearer " + s.apiKey()))
              .build();
    };
  }

  /** The model, temperature and answer length every request carries unless it says otherwise. */
  private static ChatRequestParameters parameters(ModelSettings s) {
    return ChatRequestParameters.builder()
        .modelName(s.modelName())
        .temperature(s.temperature())
        .maxOutputTokens(s.maxTokens())
        .build();
  }

  /**
   * The JDK client, named explicitly so another HTTP client on the class path cannot change the
   * choice; its own work runs on named virtual threads. Plain-http servers (local vLLM, llama.cpp,
   * Ollama) get HTTP/1.1: the JDK's h2c upgrade request on a POST is refused by some of them.
   */
  private static JdkHttpClientBuilder httpClient(ModelSettings s) {
    HttpClient.Builder jdk =
        OutboundHttp.configuredEndpointClient(
            "tramontane-model-" + s.name() + "-",
            s.baseUrl().regionMatches(true, 0, "http:", 0, 5));
    return JdkHttpClient.builder()
        .httpClientBuilder(jdk)
        .connectTimeout(s.timeout())
        .readTimeout(s.timeout());
  }
}
