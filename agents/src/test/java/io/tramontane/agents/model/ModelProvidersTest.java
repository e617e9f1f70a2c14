package io.tramontane.agents.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.tramontane.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelProvidersTest {

  private static final String KEY = "sk-test-0123456789-do-not-show";

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static Function<String, String> env(String... pairs) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m::get;
  }

  private static ConfigurationException bad(String hocon, Function<String, String> env) {
    return assertThrows(
        ConfigurationException.class, () -> ModelProviders.fromConfig(config(hocon), env));
  }

  @Test
  void withNothingConfiguredDefaultIsTheExtractiveResponder() {
    ModelProviders models = ModelProviders.fromConfig(config(""), env());

    assertTrue(models.find("default").isEmpty());
    assertTrue(models.isExtractive("default"));
    assertTrue(models.exists("default"));
    assertTrue(models.exists("extractive"));
    assertTrue(models.isExtractive("extractive"));
    assertTrue(models.find("extractive").isEmpty());
    assertFalse(models.exists("gpt"));
    assertTrue(models.names().isEmpty());
    assertTrue(models.describe("default").contains("extractive"));
  }

  @Test
  void mistralKeyInEnvironmentMakesDefaultMistralSmall() {
    ModelProviders models =
        ModelProviders.fromConfig(config(""), env("MISTRAL_API_KEY", KEY, "OLLAMA_BASE_URL", "x"));

    assertEquals(ModelProvider.MISTRAL_AI, models.find("default").orElseThrow().provider());
    assertFalse(models.isExtractive("default"));
    String described = models.describe("default");
    assertEquals("mistral model mistral-small-latest at https://api.mistral.ai/v1", described);
    assertTrue(models.exists("extractive"), "extractive stays available beside a real model");
  }

  @Test
  void mistralModelCanBeChosenFromEnvironment() {
    ModelProviders models =
        ModelProviders.fromConfig(
            config(""),
            env("MISTRAL_API_KEY", KEY, "TRAMONTANE_MISTRAL_MODEL", "mistral-large-latest"));

    assertTrue(models.describe("default").contains("mistral-large-latest"));
  }

  @Test
  void mistralWinsOverAnOpenAiCompatibleServer() {
    ModelProviders models =
        ModelProviders.fromConfig(
            config(""),
            env(
                "MISTRAL_API_KEY",
                KEY,
                "TRAMONTANE_OPENAI_BASE_URL",
                "http://127.0.0.1:8000/v1",
                "TRAMONTANE_OPENAI_MODEL",
                "qwen"));

    assertTrue(models.describe("default").startsWith("mistral "));
  }

  @Test
  void openAiCompatibleServerFromEnvironmentNeedsNoKey() {
    ModelProviders models =
        ModelProviders.fromConfig(
            config(""),
            env(
                "TRAMONTANE_OPENAI_BASE_URL",
                "http://127.0.0.1:8000/v1",
                "TRAMONTANE_OPENAI_MODEL",
                "Qwen/Qwen2.5-7B-Instruct"));

    assertInstanceOf(OpenAiChatModel.class, models.find("default").orElseThrow());
    assertEquals(
        "openai model Qwen/Qwen2.5-7B-Instruct at http://127.0.0.1:8000/v1",
        models.describe("default"));
  }

  @Test
  void openAiCompatibleServerWithoutModelNameIsRefusedNamingTheVariable() {
    ConfigurationException e =
        bad("", env("TRAMONTANE_OPENAI_BASE_URL", "http://127.0.0.1:8000/v1"));

    assertTrue(e.getMessage().contains("TRAMONTANE_OPENAI_MODEL"), e.getMessage());
  }

  @Test
  void ollamaFromEnvironment() {
    ModelProviders models =
        ModelProviders.fromConfig(
            config(""),
            env("OLLAMA_BASE_URL", "http://127.0.0.1:11434", "TRAMONTANE_OLLAMA_MODEL", "qwen3"));

    assertInstanceOf(OllamaChatModel.class, models.find("default").orElseThrow());
    assertEquals("ollama model qwen3 at http://127.0.0.1:11434", models.describe("default"));
  }

  @Test
  void configuredDefaultWinsOverTheEnvironment(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, KEY + "\n");
    ModelProviders models =
        ModelProviders.fromConfig(
            config(
                "tramontane.agents.models.default { provider = openai, model-name = local,"
                    + " base-url = \"http://10.0.0.5:8080/v1\", api-key = \"file:"
                    + keyFile
                    + "\", temperature = 0.1, timeout = 30s, max-tokens = 256 }\n"
                    + "tramontane.agents.models.big { provider = mistral,"
                    + " model-name = mistral-large-latest, api-key = \"env:MY_KEY\" }"),
            env("MISTRAL_API_KEY", "other", "MY_KEY", KEY));

    assertEquals("openai model local at http://10.0.0.5:8080/v1", models.describe("default"));
    assertEquals(ModelProvider.MISTRAL_AI, models.find("big").orElseThrow().provider());
    assertTrue(models.exists("big"));
    assertEquals(java.util.Set.of("big", "default"), models.names());
  }

  @Test
  void unknownProviderIsRefusedNamingTheKeyAndTheChoices() {
    ConfigurationException e =
        bad("tramontane.agents.models.fast { provider = anthropic, model-name = x }", env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.fast.provider"), e.getMessage());
    assertTrue(e.getMessage().contains("mistral | openai | ollama"), e.getMessage());
  }

  @Test
  void missingModelNameIsRefusedNamingTheKey() {
    ConfigurationException e = bad("tramontane.agents.models.fast { provider = ollama }", env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.fast.model-name"), e.getMessage());
  }

  @Test
  void unresolvableSecretIsRefusedNamingTheKeyAndTheVariable() {
    ConfigurationException e =
        bad(
            "tramontane.agents.models.fast { provider = mistral, model-name = m,"
                + " api-key = \"env:NOT_SET_ANYWHERE\" }",
            env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.fast.api-key"), e.getMessage());
    assertTrue(e.getMessage().contains("NOT_SET_ANYWHERE"), e.getMessage());
  }

  @Test
  void keyWrittenIntoConfigurationIsRefusedWithoutRepeatingIt() {
    ConfigurationException e =
        bad(
            "tramontane.agents.models.fast { provider = mistral, model-name = m, api-key = \""
                + KEY
                + "\" }",
            env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.fast.api-key"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
  }

  @Test
  void mistralWithoutKeyIsRefused() {
    ConfigurationException e =
        bad("tramontane.agents.models.fast { provider = mistral, model-name = m }", env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.fast.api-key"), e.getMessage());
  }

  @Test
  void extractiveIsReserved() {
    ConfigurationException e =
        bad("tramontane.agents.models.extractive { provider = ollama, model-name = m }", env());

    assertTrue(e.getMessage().contains("tramontane.agents.models.extractive"), e.getMessage());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    String base = "tramontane.agents.models.fast { provider = ollama, model-name = m, ";
    assertTrue(
        bad(base + "temperature = 7 }", env())
            .getMessage()
            .contains("tramontane.agents.models.fast.temperature"));
    assertTrue(
        bad(base + "timeout = soon }", env())
            .getMessage()
            .contains("tramontane.agents.models.fast.timeout"));
    assertTrue(
        bad(base + "max-tokens = 0 }", env())
            .getMessage()
            .contains("tramontane.agents.models.fast.max-tokens"));
    assertTrue(
        bad(base + "base-url = \"localhost:11434\" }", env())
            .getMessage()
            .contains("tramontane.agents.models.fast.base-url"));
    assertTrue(
        bad("tramontane.agents.models.fast = mistral", env())
            .getMessage()
            .contains("tramontane.agents.models.fast"));
  }

  @Test
  void settingsAndDescriptionsNeverShowTheKey() {
    ModelProviders models =
        ModelProviders.fromConfig(
            config(
                "tramontane.agents.models.fast { provider = mistral, model-name = m,"
                    + " base-url = \"https://user:"
                    + KEY
                    + "@proxy.example/v1\", api-key = \"env:K\" }"),
            env("K", KEY));

    assertFalse(models.describe("fast").contains(KEY), models.describe("fast"));
    ModelSettings s =
        ModelProviders.defaultFromEnvironment(env("MISTRAL_API_KEY", KEY)).orElseThrow();
    assertFalse(s.toString().contains(KEY), s.toString());
  }

  @Test
  void describeOfAnUnknownNameSaysWhatExists() {
    ModelProviders models = ModelProviders.fromConfig(config(""), env());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> models.describe("gpt"));
    assertTrue(e.getMessage().contains("extractive"), e.getMessage());
  }
}
