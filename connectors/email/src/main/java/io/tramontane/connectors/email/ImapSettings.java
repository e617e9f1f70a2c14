package io.tramontane.connectors.email;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The kind-specific keys of an {@code imap} instance ({@code tramontane.connectors.<name>.*}). The
 * password is resolved from its reference once; {@link #toString()} never shows it.
 *
 * @param at the instance's configuration path, for messages
 * @param host IMAP server host
 * @param port IMAP port (993 for imaps, 143 otherwise, by default)
 * @param tls how the connection is protected
 * @param username login name
 * @param password the resolved password (never logged)
 * @param folders folders to sync, in order (default INBOX)
 * @param owner the ACL principal given to every message (default: the username)
 * @param acl owner plus the instance's {@code acl}
 * @param maxMessageBytes messages larger than this are quarantined, not fetched
 * @param batchSize messages whose size and dates are fetched per round trip
 * @param publishExisting publish mail.received for mail that was already there on the first pass
 * @param connectTimeout connect and read timeout
 * @param smtp the outbound side, or null when {@code smtp.host} is not set
 */
public record ImapSettings(
    String at,
    String host,
    int port,
    Tls tls,
    String username,
    String password,
    List<String> folders,
    String owner,
    Set<String> acl,
    long maxMessageBytes,
    int batchSize,
    boolean publishExisting,
    Duration connectTimeout,
    SmtpSettings smtp) {

  /** Connection security, for IMAP and SMTP alike. */
  public enum Tls {
    /** TLS from the first byte (IMAPS 993, SMTPS 465). */
    IMPLICIT,
    /** Plain connection upgraded with STARTTLS, which is required. */
    STARTTLS,
    /** No TLS: only with {@code allow-plaintext = on} (tests, loopback relays). */
    NONE
  }

  public ImapSettings {
    folders = List.copyOf(folders);
    acl = Set.copyOf(acl);
  }

  /** Reads and checks the keys of {@code settings}; secrets are looked up through {@code env}. */
  public static ImapSettings fromConfig(ConnectorSettings settings, Function<String, String> env) {
    String at = "tramontane.connectors." + settings.name();
    Config c = settings.config();
    try {
      String host = required(c, at, "host");
      boolean plaintext = c.getBoolean("allow-plaintext");
      Tls tls = tls(c, at, "tls", "imaps", plaintext);
      int port = port(c, tls == Tls.IMPLICIT ? IMAPS_PORT : IMAP_PORT);
      checkPort(at + ".port", port);
      String username = required(c, at, "username");
      String password = SecretReference.resolve(at + ".password", required(c, at, "password"), env);
      List<String> folders = c.getStringList("folders");
      if (folders.isEmpty() || folders.stream().anyMatch(String::isBlank)) {
        throw new ConfigurationException(
            at + ".folders must list at least one folder, e.g. [INBOX, Support].");
      }
      if (new LinkedHashSet<>(folders).size() != folders.size()) {
        throw new ConfigurationException(at + ".folders names a folder twice: " + folders + ".");
      }
      String owner = c.hasPath("owner") ? c.getString("owner") : username;
      if (owner.isBlank()) {
        throw new ConfigurationException(
            at + ".owner must not be empty; leave it out to use the username.");
      }
      Set<String> acl = new LinkedHashSet<>();
      acl.add(owner);
      acl.addAll(settings.acl());
      long maxBytes = c.getBytes("max-message-bytes");
      if (maxBytes < 1024) {
        throw new ConfigurationException(
            at + ".max-message-bytes must be at least 1 KiB, e.g. 25M.");
      }
      int batch = c.getInt("batch-size");
      if (batch < 1 || batch > 10_000) {
        throw new ConfigurationException(at + ".batch-size must be between 1 and 10000.");
      }
      Duration timeout = c.getDuration("timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException(at + ".timeout must be positive, e.g. 30s.");
      }
      SmtpSettings smtp =
          c.hasPath("smtp")
              ? SmtpSettings.fromConfig(
                  at + ".smtp",
                  c.getConfig("smtp").withFallback(c.getConfig("smtp-defaults")),
                  username,
                  password,
                  env)
              : null;
      return new ImapSettings(
          at,
          host,
          port,
          tls,
          username,
          password,
          folders,
          owner,
          acl,
          maxBytes,
          batch,
          c.getBoolean("publish-existing"),
          timeout,
          smtp);
    } catch (ConfigException e) {
      throw new ConfigurationException(at + ": " + e.getMessage());
    }
  }

  /** {@code user@host}, for messages. */
  public String mailbox() {
    return username + "@" + host;
  }

  static Tls tls(Config c, String at, String key, String implicitName, boolean plaintext) {
    String value = c.getString(key).toLowerCase(Locale.ROOT);
    Tls tls;
    if (value.equals(implicitName)) {
      tls = Tls.IMPLICIT;
    } else if (value.equals("starttls")) {
      tls = Tls.STARTTLS;
    } else if (value.equals("none")) {
      tls = Tls.NONE;
    } else {
      throw new ConfigurationException(
          at + "." + key + " is '" + value + "'; use " + implicitName + ", starttls or none.");
    }
    if (tls == Tls.NONE && !plaintext) {
      throw new ConfigurationException(
          at
              + "."
              + key
              + " = none sends the password in clear text; use "
              + implicitName
              + " or starttls, or set "
              + at
              + ".allow-plaintext = on for a loopback or test server.");
    }
    return tls;
  }

  /** The well-known ports: a protocol's, not a tunable default. */
  static final int IMAPS_PORT = 993;

  static final int IMAP_PORT = 143;

  /** {@code port}, or the protocol's well-known one when it is 0 (the default). */
  static int port(Config c, int wellKnown) {
    int port = c.getInt("port");
    return port == 0 ? wellKnown : port;
  }

  static void checkPort(String key, int port) {
    if (port < 1 || port > 65535) {
      throw new ConfigurationException(key + " must be between 1 and 65535.");
    }
  }

  static String required(Config c, String at, String key) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) {
      throw new ConfigurationException(at + "." + key + " is required.");
    }
    return c.getString(key);
  }

  @Override
  public String toString() {
    return "ImapSettings[" + mailbox() + ":" + port + ", tls=" + tls + ", folders=" + folders + "]";
  }
}
