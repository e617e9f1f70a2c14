package io.tramontane.server.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import io.tramontane.core.Sha256;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The configured API keys ({@code tramontane.server.api-keys}): each has a tenant, scopes and the
 * principals it may act as ({@code principals}, optional; see {@link Principal#actingAs}). Only
 * SHA-256 digests of the keys are kept in memory; a presented key is compared against every digest
 * in constant time.
 */
public final class ApiKeys {

  /** Shorter keys are guessable; refuse them at start-up. */
  static final int MIN_KEY_LENGTH = 24;

  private record Entry(Principal principal, byte[] digest) {}

  private final List<Entry> entries;

  /** The settings of one key. */
  static final List<String> KEYS = List.of("tenant", "scopes", "key", "principals");

  private ApiKeys(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static ApiKeys fromConfig(Config config, Function<String, String> env) {
    Config keys = config.getConfig("tramontane.server.api-keys");
    List<Entry> entries = new ArrayList<>();
    for (String id : keys.root().keySet()) {
      String path = "tramontane.server.api-keys." + id;
      try {
        Config k = keys.getConfig(id);
        for (String key : k.root().keySet()) {
          if (!KEYS.contains(key)) {
            // A typo such as 'principal' would silently leave the key with less than intended.
            throw new ConfigurationException(
                path
                    + "."
                    + key
                    + " is not a setting of an API key; the settings are "
                    + KEYS
                    + ".");
          }
        }
        String tenant = k.getString("tenant");
        if (tenant.isBlank()) {
          throw new ConfigurationException(path + ".tenant must name the key's tenant.");
        }
        String secret = SecretReference.resolve(path + ".key", k.getString("key"), env);
        if (secret.length() < MIN_KEY_LENGTH) {
          throw new ConfigurationException(
              path
                  + ".key is shorter than "
                  + MIN_KEY_LENGTH
                  + " characters; generate one with: openssl rand -hex 24");
        }
        var scopes = new LinkedHashSet<>(k.getStringList("scopes"));
        var principals = new LinkedHashSet<String>();
        if (k.hasPath("principals")) {
          for (String p : k.getStringList("principals")) {
            if (p.isBlank()) {
              throw new ConfigurationException(
                  path + ".principals must list non-empty names, e.g. [\"alice\", \"group:hr\"].");
            }
            principals.add(p.strip());
          }
        }
        entries.add(new Entry(new Principal(id, tenant, scopes, principals), digest(secret)));
      } catch (ConfigException e) {
        throw new ConfigurationException(path + ": " + e.getMessage(), e);
      }
    }
    ApiKeys loaded = new ApiKeys(entries);
    loaded.requireKnownScopes();
    return loaded;
  }

  /**
   * Refuses a key that names a scope no route asks for (a typo such as {@code agents:raed} would
   * otherwise only show as 403s later), naming the key, the scope and the scopes there are.
   */
  private void requireKnownScopes() {
    for (Entry e : entries) {
      for (String scope : e.principal().scopes()) {
        if (!Scopes.ALL.contains(scope)) {
          throw new ConfigurationException(
              "tramontane.server.api-keys."
                  + e.principal().keyId()
                  + ".scopes names '"
                  + scope
                  + "', which no route asks for; the scopes are: "
                  + Scopes.listed()
                  + ".");
        }
      }
    }
  }

  /** The principal owning {@code presented}, if any key matches. */
  public Optional<Principal> authenticate(String presented) {
    byte[] digest = digest(presented);
    Principal found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest(), digest)) {
        found = e.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  private static byte[] digest(String key) {
    return Sha256.digest(key);
  }
}
