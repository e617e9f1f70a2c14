package io.tramontane.intake.signature;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One declared trigger ({@code tramontane.intake.triggers.<name>}): the tenant it belongs to, how
 * its requests are signed and the largest body it accepts. Secrets are resolved from {@code
 * env:NAME} or {@code file:/path} references and are never logged.
 */
public record TriggerSettings(
    String name, String tenant, String schemeName, SignatureScheme scheme, long maxBodyBytes) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  @Override
  public String toString() {
    return "Trigger[" + name + ", tenant=" + tenant + ", scheme=" + schemeName + "]";
  }

  /** Reads every trigger under {@code tramontane.intake.triggers}, keyed by name. */
  public static Map<String, TriggerSettings> allFromConfig(
      Config config, Function<String, String> env, Clock clock) {
    Config intake = config.getConfig("tramontane.intake");
    long defaultMax = intake.getBytes("max-body-size");
    Duration tolerance = intake.getDuration("timestamp-tolerance");
    Config triggers = intake.getConfig("triggers");
    Map<String, TriggerSettings> result = new TreeMap<>();
    for (String name : triggers.root().keySet()) {
      String path = "tramontane.intake.triggers." + name;
      if (!NAME.matcher(name).matches()) {
        throw new ConfigurationException(
            path + ": trigger names are 1-63 lower-case letters, digits, '-' or '_'.");
      }
      try {
        Config t = triggers.getConfig(name);
        String tenant = t.getString("tenant");
        if (tenant.isBlank()) {
          throw new ConfigurationException(path + ".tenant must name the owning tenant.");
        }
        String schemeName = t.getString("scheme").toLowerCase(Locale.ROOT);
        List<String> refs = t.getStringList("secrets");
        if (refs.isEmpty()) {
          throw new ConfigurationException(
              path + ".secrets is empty; give at least one \"env:NAME\" or \"file:/path\".");
        }
        List<String> raw = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
          raw.add(SecretReference.resolve(path + ".secrets[" + i + "]", refs.get(i), env));
        }
        SignatureScheme scheme =
            switch (schemeName) {
              case "standard-webhooks", "standard" -> {
                List<byte[]> keys = new ArrayList<>();
                for (int i = 0; i < raw.size(); i++) {
                  try {
                    keys.add(StandardWebhooksScheme.decodeSecret(raw.get(i)));
                  } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(
                        path
                            + ".secrets["
                            + i
                            + "] is not a Standard Webhooks secret (whsec_ followed by base64).");
                  }
                }
                yield new StandardWebhooksScheme(keys, tolerance, clock);
              }
              case "github" ->
                  new GitHubScheme(
                      raw.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
              default ->
                  throw new ConfigurationException(
                      path
                          + ".scheme is '"
                          + schemeName
                          + "'; use 'standard-webhooks' or 'github'.");
            };
        long max = t.hasPath("max-body-size") ? t.getBytes("max-body-size") : defaultMax;
        result.put(name, new TriggerSettings(name, tenant, schemeName, scheme, max));
      } catch (ConfigException e) {
        throw new ConfigurationException(path + ": " + e.getMessage(), e);
      }
    }
    return result;
  }
}
