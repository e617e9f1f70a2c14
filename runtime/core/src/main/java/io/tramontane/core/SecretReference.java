package io.tramontane.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Secrets never sit in configuration files: configuration holds a reference, {@code env:NAME} (an
 * environment variable) or {@code file:/path} (e.g. a mounted Kubernetes secret), resolved once at
 * start-up. Error messages name the configuration key and the reference, never the value. Every
 * resolved value is added to {@link KnownSecrets}, so the logs redact it.
 */
public final class SecretReference {

  private SecretReference() {}

  /**
   * Resolves {@code reference} found at configuration key {@code key}.
   *
   * @param env the environment lookup ({@code System::getenv} in production)
   */
  public static String resolve(String key, String reference, Function<String, String> env) {
    if (reference.startsWith("env:")) {
      String var = reference.substring(4);
      String value = env.apply(var);
      if (value == null || value.isBlank()) {
        throw new ConfigurationException(
            key + " refers to environment variable " + var + ", which is not set; export it.");
      }
      String secret = value.strip();
      KnownSecrets.register(secret);
      return secret;
    }
    if (reference.startsWith("file:")) {
      Path file = Path.of(reference.substring(5));
      String value;
      try {
        value = Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigurationException(
            key + " refers to " + file + ", which cannot be read (" + e.getMessage() + ").");
      }
      if (value.isEmpty()) {
        throw new ConfigurationException(key + " refers to " + file + ", which is empty.");
      }
      KnownSecrets.register(value);
      return value;
    }
    throw new ConfigurationException(
        key
            + " must be a reference, \"env:NAME\" or \"file:/path\"; secrets are not written in"
            + " configuration files.");
  }
}
