package io.tramontane.connectors.email;

import com.typesafe.config.Config;
import io.tramontane.connectors.email.ImapSettings.Tls;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The outbound side of an {@code imap} instance ({@code tramontane.connectors.<name>.smtp.*}).
 *
 * @param at the configuration path, for messages
 * @param host SMTP host
 * @param port SMTP port (465 for smtps, 587 otherwise, by default)
 * @param tls how the connection is protected
 * @param username login, or null to send without authentication
 * @param password the resolved password, or null (never logged)
 * @param from the sender address
 * @param allowedRecipientDomains domains mail may go to (lower case); empty refuses every recipient
 * @param maxRecipients to + cc, at most
 * @param maxBodyChars body length, at most
 * @param sentFolder IMAP folder where sent mail is filed and looked up (null: none)
 * @param toolPrefix the tools are {@code <prefix>.send} and {@code <prefix>.reply}
 */
public record SmtpSettings(
    String at,
    String host,
    int port,
    Tls tls,
    String username,
    String password,
    InternetAddress from,
    Set<String> allowedRecipientDomains,
    int maxRecipients,
    int maxBodyChars,
    String sentFolder,
    String toolPrefix) {

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,30}");

  public SmtpSettings {
    allowedRecipientDomains = Set.copyOf(allowedRecipientDomains);
  }

  /** The well-known ports: a protocol's, not a tunable default. */
  static final int SMTPS_PORT = 465;

  static final int SUBMISSION_PORT = 587;

  static SmtpSettings fromConfig(
      String at, Config c, String imapUser, String imapPassword, Function<String, String> env) {
    String host = ImapSettings.required(c, at, "host");
    boolean plaintext = c.getBoolean("allow-plaintext");
    Tls tls = ImapSettings.tls(c, at, "tls", "smtps", plaintext);
    int port = ImapSettings.port(c, tls == Tls.IMPLICIT ? SMTPS_PORT : SUBMISSION_PORT);
    ImapSettings.checkPort(at + ".port", port);
    boolean anonymous = c.getBoolean("anonymous");
    String username = anonymous ? null : c.hasPath("username") ? c.getString("username") : imapUser;
    String password =
        anonymous
            ? null
            : c.hasPath("password")
                ? SecretReference.resolve(at + ".password", c.getString("password"), env)
                : imapPassword;
    String fromText =
        c.hasPath("from") ? c.getString("from") : imapUser.contains("@") ? imapUser : null;
    if (fromText == null) {
      throw new ConfigurationException(
          at + ".from is required (the sender address, e.g. support@example.com).");
    }
    InternetAddress from;
    try {
      from = new InternetAddress(fromText, true);
    } catch (AddressException e) {
      throw new ConfigurationException(at + ".from is not an address: " + e.getMessage());
    }
    Set<String> domains =
        c.getStringList("allowed-recipient-domains").stream()
            .map(d -> d.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    int maxRecipients = c.getInt("max-recipients");
    int maxBody = c.getInt("max-body-chars");
    if (maxRecipients < 1 || maxBody < 1) {
      throw new ConfigurationException(at + ".max-recipients and max-body-chars must be positive.");
    }
    String prefix = c.getString("tool-prefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new ConfigurationException(
          at + ".tool-prefix must be lower case letters, digits and '_' (e.g. mail_sales).");
    }
    String sent = c.getString("sent-folder");
    return new SmtpSettings(
        at,
        host,
        port,
        tls,
        username,
        password,
        from,
        domains,
        maxRecipients,
        maxBody,
        sent == null || sent.isBlank() ? null : sent,
        prefix);
  }

  /** Whether mail may be sent to {@code address}: its domain (or a parent domain) is allowed. */
  public boolean allows(InternetAddress address) {
    String a = address.getAddress().toLowerCase(Locale.ROOT);
    int at = a.lastIndexOf('@');
    if (at < 0) {
      return false;
    }
    String domain = a.substring(at + 1);
    for (String allowed : allowedRecipientDomains) {
      if (domain.equals(allowed) || domain.endsWith("." + allowed)) {
        return true;
      }
    }
    return false;
  }

  List<String> toolNames() {
    return List.of(toolPrefix + ".send", toolPrefix + ".reply");
  }

  @Override
  public String toString() {
    return "SmtpSettings[" + host + ":" + port + ", tls=" + tls + ", from=" + from + "]";
  }
}
