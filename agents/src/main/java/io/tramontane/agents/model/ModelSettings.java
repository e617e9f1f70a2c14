package io.tramontane.agents.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One entry of {@code tramontane.agents.models}, read and checked. The API key is already resolved
 * from its {@code env:} or {@code file:} reference; {@link #toString()} never shows it.
 *
 * @param name the model's name, as agent definitions refer to it
 * @param provider who serves it
 * @param baseUrl the provider's API root (the provider's public endpoint when not configured)
 * @param modelName the provider's model identifier
 * @param apiKey the resolved key, or null when the provider needs none
 * @param temperature sampling temperature, or null for the provider's default
 * @param timeout connect and read timeout of one HTTP call
 * @param maxTokens most tokens generated per answer, or null for the provider's default
 */
public record ModelSettings(
    String name,
    Provider provider,
    String baseUrl,
    String modelName,
    String apiKey,
    Double temperature,
    Duration timeout,
    Integer maxTokens) {

  /** The configuration path under which model names live. */
  public static final String ROOT = "tramontane.agents.models";

  /** Used when {@code timeout} is not set: generous, a long answer on a local GPU takes a while. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  public ModelSettings {
    if (baseUrl == null || baseUrl.isBlank()) {
      baseUrl = provider.defaultBaseUrl();
    }
  }

  /**
   * Reads {@code tramontane.agents.models.<name>} from {@code models} (the {@code
   * tramontane.agents.models} object).
   *
   * @param env the environment lookup that resolves {@code env:NAME} secrets
   * @throws ConfigurationException naming the full key of the first bad value
   */
  public static ModelSettings fromConfig(String name, Config models, Function<String, String> env) {
    String prefix = ROOT + "." + name;
    if (models.getValue(quoted(name)).valueType() != ConfigValueType.OBJECT) {
      throw new ConfigurationException(
          prefix + " must be an object { provider = ..., model-name = ... }.");
    }
    Config c = models.getConfig(quoted(name));
    String providerValue = string(c, prefix, "provider");
    if (providerValue == null) {
      throw new ConfigurationException(
          prefix + ".provider is missing; set it to one of " + Provider.choices() + ".");
    }
    Provider provider =
        Provider.fromConfigName(providerValue)
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        prefix
                            + ".provider is \""
                            + providerValue
                            + "\", which is not a known provider; use one of "
                            + Provider.choices()
                            + "."));
    String modelName = string(c, prefix, "model-name");
    if (modelName == null) {
      throw new ConfigurationException(
          prefix + ".model-name is missing; name the " + provider.configName() + " model to use.");
    }
    String baseUrl = string(c, prefix, "base-url");
    if (baseUrl != null) {
      checkUrl(prefix + ".base-url", baseUrl);
    }
    String keyRef = string(c, prefix, "api-key");
    String apiKey =
        keyRef == null ? null : SecretReference.resolve(prefix + ".api-key", keyRef, env);
    if (apiKey == null && provider == Provider.MISTRAL) {
      throw new ConfigurationException(
          prefix
              + ".api-key is missing; Mistral needs one, e.g. api-key = \"env:MISTRAL_API_KEY\".");
    }
    return new ModelSettings(
        name,
        provider,
        baseUrl,
        modelName,
        apiKey,
        temperature(c, prefix),
        timeout(c, prefix),
        maxTokens(c, prefix));
  }

  /** Provider, model and base URL: safe to log and to show, never the key. */
  public String describe() {
    return provider.configName() + " model " + modelName + " at " + withoutUserInfo(baseUrl);
  }

  @Override
  public String toString() {
    return "ModelSettings["
        + name
        + ": "
        + describe()
        + (apiKey == null ? ", no api key" : ", api key set")
        + ", temperature="
        + temperature
        + ", timeout="
        + timeout
        + ", maxTokens="
        + maxTokens
        + "]";
  }

  static void checkUrl(String key, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(key + " is not a URL; write e.g. http://127.0.0.1:8000/v1.");
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new ConfigurationException(
          key + " must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8000/v1.");
    }
  }

  /** Credentials written into a URL ({@code https://user:pass@host}) are not shown. */
  static String withoutUserInfo(String url) {
    try {
      URI uri = new URI(url);
      if (uri.getRawUserInfo() == null) {
        return url;
      }
      return new URI(
              uri.getScheme(),
              null,
              uri.getHost(),
              uri.getPort(),
              uri.getPath(),
              uri.getQuery(),
              uri.getFragment())
          .toString();
    } catch (URISyntaxException e) {
      return "(unparseable URL)";
    }
  }

  private static String quoted(String name) {
    return "\"" + name + "\"";
  }

  private static String string(Config c, String prefix, String key) {
    if (!c.hasPath(key)) {
      return null;
    }
    try {
      String v = c.getString(key).strip();
      return v.isEmpty() ? null : v;
    } catch (ConfigException.WrongType e) {
      throw new ConfigurationException(prefix + "." + key + " must be a string.", e);
    }
  }

  private static Double temperature(Config c, String prefix) {
    return bounded(
        c,
        prefix,
        "temperature",
        null,
        Config::getDouble,
        "a number between 0 and 2",
        t -> t >= 0 && t <= 2,
        "between 0 and 2");
  }

  private static Duration timeout(Config c, String prefix) {
    return bounded(
        c,
        prefix,
        "timeout",
        DEFAULT_TIMEOUT,
        Config::getDuration,
        "a duration, e.g. 60s or 2m",
        d -> !d.isZero() && !d.isNegative(),
        "a positive duration");
  }

  private static Integer maxTokens(Config c, String prefix) {
    return bounded(
        c,
        prefix,
        "max-tokens",
        null,
        Config::getInt,
        "a whole number of tokens",
        n -> n >= 1,
        "at least 1");
  }

  /**
   * The optional setting {@code name} of a model: {@code absent} when it is not set; refused,
   * naming {@code prefix.name}, when it is not of its type or out of its range.
   */
  private static <T> T bounded(
      Config c,
      String prefix,
      String name,
      T absent,
      BiFunction<Config, String, T> read,
      String type,
      Predicate<T> inRange,
      String range) {
    if (!c.hasPath(name)) {
      return absent;
    }
    String key = prefix + "." + name;
    T value;
    try {
      value = read.apply(c, name);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new ConfigurationException(key + " must be " + type + ".", e);
    }
    if (!inRange.test(value)) {
      throw new ConfigurationException(key + " must be " + range + ", was " + value + ".");
    }
    return value;
  }
}
