package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.core.ConfigurationException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImapSettingsTest {

  private static ImapSettings read(String hocon) {
    ConnectorSettings s =
        ConnectorSettings.fromConfig(
            "support-mail",
            ConfigFactory.parseString(
                "kind = imap\ncollection = mail\nhost = imap.example.com\nusername ="
                    + " \"support@example.com\"\npassword = \"env:PW\"\n"
                    + hocon));
    return ImapSettings.fromConfig(s, Map.of("PW", "hunter2-secret")::get);
  }

  @Test
  void defaults() {
    ImapSettings s = read("");
    assertEquals(ImapSettings.Tls.IMPLICIT, s.tls());
    assertEquals(993, s.port());
    assertEquals(List.of("INBOX"), s.folders());
    assertEquals("support@example.com", s.owner());
    assertEquals(Set.of("support@example.com"), s.acl());
    assertEquals(25L << 20, s.maxMessageBytes());
    assertNull(s.smtp());
    assertFalse(s.publishExisting());
  }

  @Test
  void ownerAndAclMakeThePermissions() {
    ImapSettings s = read("owner = \"alice@corp\"\nacl = [\"group:support\"]");
    assertEquals(Set.of("alice@corp", "group:support"), s.acl());
  }

  @Test
  void plaintextNeedsAnExplicitOptIn() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> read("tls = none"));
    assertTrue(e.getMessage().contains("allow-plaintext = on"), e.getMessage());
    assertEquals(143, read("tls = none\nallow-plaintext = on").port());
    assertEquals(143, read("tls = starttls").port());
    assertThrows(ConfigurationException.class, () -> read("tls = ssl"));
  }

  @Test
  void thePasswordIsAReferenceAndNeverShown() {
    ImapSettings s = read("");
    assertEquals("hunter2-secret", s.password());
    assertFalse(s.toString().contains("hunter2"));
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> read("password = hunter2-secret"));
    assertTrue(e.getMessage().contains("env:NAME"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
    ConfigurationException unset =
        assertThrows(ConfigurationException.class, () -> read("password = \"env:MISSING\""));
    assertTrue(unset.getMessage().contains("MISSING"), unset.getMessage());
  }

  @Test
  void smtpDefaultsToTheImapLoginAndAllowsListedDomainsOnly() throws Exception {
    ImapSettings s =
        read("smtp { host = smtp.example.com, allowed-recipient-domains = [example.com] }");
    SmtpSettings smtp = s.smtp();
    assertEquals(465, smtp.port());
    assertEquals("support@example.com", smtp.username());
    assertEquals("hunter2-secret", smtp.password());
    assertEquals("support@example.com", smtp.from().getAddress());
    assertTrue(smtp.allows(new InternetAddress("x@example.com")));
    assertTrue(smtp.allows(new InternetAddress("x@eu.example.com")));
    assertFalse(smtp.allows(new InternetAddress("x@example.com.evil.org")));
    assertFalse(smtp.allows(new InternetAddress("x@notexample.com")));
    assertFalse(smtp.toString().contains("hunter2"));
    assertThrows(
        ConfigurationException.class, () -> read("smtp { host = smtp.example.com, tls = none }"));
  }

  @Test
  void badFoldersAreRefused() {
    assertThrows(ConfigurationException.class, () -> read("folders = []"));
    assertThrows(ConfigurationException.class, () -> read("folders = [INBOX, INBOX]"));
  }
}
