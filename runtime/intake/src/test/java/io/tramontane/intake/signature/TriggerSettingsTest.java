package io.tramontane.intake.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriggerSettingsTest {

  private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String WHSEC_OLD = "whsec_c2Vjb25kIGtleSBmb3Igcm90YXRpb24gdGVzdHM=";
  private static final long NOW = 1614265330L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  private final Map<String, String> env = new HashMap<>();
  private final Function<String, String> envLookup = env::get;

  private static Config config(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReferenceUnresolved())
        .resolve();
  }

  private Map<String, TriggerSettings> read(String hocon) {
    return TriggerSettings.allFromConfig(config(hocon), envLookup, CLOCK);
  }

  private ConfigurationException refused(String hocon) {
    return assertThrows(ConfigurationException.class, () -> read(hocon));
  }

  private static Map<String, String> standardHeaders(byte[] key, String id, byte[] body) {
    return Map.of(
        "webhook-id",
        id,
        "webhook-timestamp",
        Long.toString(NOW),
        "webhook-signature",
        StandardWebhooksScheme.sign(key, id, NOW, body));
  }

  @Test
  void noTriggersByDefault() {
    assertTrue(read("").isEmpty());
  }

  @Test
  void anEnvSecretResolvesAndTheSchemeVerifiesWithIt() {
    env.put("ORDERS_HOOK_SECRET", WHSEC);
    Map<String, TriggerSettings> triggers =
        read(
            """
            tramontane.intake.triggers.orders {
              tenant = acme
              scheme = standard-webhooks
              secrets = ["env:ORDERS_HOOK_SECRET"]
            }
            """);
    TriggerSettings orders = triggers.get("orders");
    assertEquals("orders", orders.name());
    assertEquals("acme", orders.tenant());
    assertEquals("standard-webhooks", orders.schemeName());
    assertEquals(1024L * 1024L, orders.maxBodyBytes(), "defaults to tramontane.intake");
    StandardWebhooksScheme scheme = assertInstanceOf(StandardWebhooksScheme.class, orders.scheme());
    assertEquals(Duration.ofMinutes(5), scheme.tolerance());

    byte[] body = "{\"order\": 1}".getBytes(StandardCharsets.UTF_8);
    byte[] key = StandardWebhooksScheme.decodeSecret(WHSEC);
    assertEquals(
        new Verification.Verified("msg_1"),
        orders.scheme().verify(standardHeaders(key, "msg_1", body), body));
  }

  @Test
  void theConfiguredClockDrivesTheReplayWindow() {
    env.put("S", WHSEC);
    TriggerSettings t =
        read("tramontane.intake.triggers.t { tenant = a, scheme = standard, secrets = [\"env:S\"] }")
            .get("t");
    byte[] key = StandardWebhooksScheme.decodeSecret(WHSEC);
    byte[] body = new byte[] {1};
    Map<String, String> h = new HashMap<>(standardHeaders(key, "m", body));
    h.put("webhook-timestamp", Long.toString(NOW - 600));
    h.put("webhook-signature", StandardWebhooksScheme.sign(key, "m", NOW - 600, body));
    assertInstanceOf(Verification.Rejected.class, t.scheme().verify(h, body));
  }

  @Test
  void aFileSecretResolvesForGitHub(@TempDir Path dir) throws Exception {
    Path secretFile = dir.resolve("github-secret");
    Files.writeString(secretFile, "It's a Secret to Everybody\n", StandardCharsets.UTF_8);
    Map<String, TriggerSettings> triggers =
        read(
            "tramontane.intake.triggers.repo-events { tenant = acme, scheme = GitHub,"
                + " secrets = [\"file:"
                + secretFile.toString().replace("\\", "/")
                + "\"], max-body-size = 256k }");
    TriggerSettings repo = triggers.get("repo-events");
    assertEquals("github", repo.schemeName(), "scheme names are case-insensitive");
    assertEquals(256L * 1024L, repo.maxBodyBytes());
    assertInstanceOf(GitHubScheme.class, repo.scheme());
    // The trailing newline of the file is not part of the secret: GitHub's example verifies.
    assertEquals(
        new Verification.Verified("d-1"),
        repo.scheme()
            .verify(
                Map.of(
                    "x-github-delivery",
                    "d-1",
                    "x-hub-signature-256",
                    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                "Hello, World!".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void severalSecretsAllowRotation() {
    env.put("NEW", WHSEC);
    env.put("OLD", WHSEC_OLD);
    TriggerSettings t =
        read("""
                tramontane.intake.triggers.orders {
                  tenant = acme
                  scheme = standard-webhooks
                  secrets = ["env:NEW", "env:OLD"]
                }
                """)
            .get("orders");
    byte[] body = "x".getBytes(StandardCharsets.UTF_8);
    byte[] oldKey = StandardWebhooksScheme.decodeSecret(WHSEC_OLD);
    assertEquals(
        new Verification.Verified("m"),
        t.scheme().verify(standardHeaders(oldKey, "m", body), body));
  }

  @Test
  void aMissingEnvVariableNamesTheKeyAndTheVariable() {
    ConfigurationException e =
        refused(
            """
            tramontane.intake.triggers.orders {
              tenant = acme
              scheme = standard-webhooks
              secrets = ["env:ORDERS_HOOK_SECRET"]
            }
            """);
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("ORDERS_HOOK_SECRET"), e.getMessage());
    assertFalse(e.retriable());
  }

  @Test
  void aMissingSecondSecretNamesItsIndex() {
    env.put("NEW", WHSEC);
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.orders { tenant = acme, scheme = standard-webhooks,"
                + " secrets = [\"env:NEW\", \"env:OLD_GONE\"] }");
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets[1]"), e.getMessage());
    assertTrue(e.getMessage().contains("OLD_GONE"), e.getMessage());
  }

  @Test
  void anUnreadableSecretFileNamesTheKeyAndTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.gh { tenant = acme, scheme = github, secrets = [\"file:"
                + missing.toString().replace("\\", "/")
                + "\"] }");
    assertTrue(e.getMessage().contains("tramontane.intake.triggers.gh.secrets[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void aLiteralSecretIsRefusedWithoutEchoingIt() {
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.orders { tenant = acme, scheme = standard-webhooks,"
                + " secrets = [\""
                + WHSEC
                + "\"] }");
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("env:"), e.getMessage());
    assertFalse(e.getMessage().contains(WHSEC), "the literal secret is echoed: " + e.getMessage());
  }

  @Test
  void anUnknownSchemeIsRefusedNamingTheKey() {
    env.put("S", "whatever");
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.orders { tenant = acme, scheme = hmac-md5,"
                + " secrets = [\"env:S\"] }");
    assertTrue(e.getMessage().contains("tramontane.intake.triggers.orders.scheme"), e.getMessage());
    assertTrue(e.getMessage().contains("hmac-md5"), e.getMessage());
    assertTrue(e.getMessage().contains("standard-webhooks"), e.getMessage());
    assertFalse(e.getMessage().contains("whatever"), e.getMessage());
  }

  @Test
  void aSecretThatIsNotWhsecBase64IsRefusedWithoutEchoingIt() {
    env.put("S", "whsec_this is not base64!");
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.orders { tenant = acme, scheme = standard-webhooks,"
                + " secrets = [\"env:S\"] }");
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("whsec_"), e.getMessage());
    assertFalse(e.getMessage().contains("not base64"), e.getMessage());
  }

  @Test
  void anEmptySecretListIsRefused() {
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.orders { tenant = acme, scheme = github, secrets = [] }");
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets"), e.getMessage());
  }

  @Test
  void aMissingTenantNamesTheTrigger() {
    env.put("S", "s");
    ConfigurationException e =
        refused("tramontane.intake.triggers.orders { scheme = github, secrets = [\"env:S\"] }");
    assertTrue(e.getMessage().contains("tramontane.intake.triggers.orders"), e.getMessage());
    assertTrue(e.getMessage().contains("tenant"), e.getMessage());
  }

  @Test
  void anInvalidTriggerNameIsRefused() {
    env.put("S", "s");
    ConfigurationException e =
        refused(
            "tramontane.intake.triggers.\"Orders!\" { tenant = a, scheme = github,"
                + " secrets = [\"env:S\"] }");
    assertTrue(e.getMessage().contains("Orders!"), e.getMessage());
  }

  @Test
  void toStringNeverShowsSecrets() {
    env.put("S", "It's a Secret to Everybody");
    TriggerSettings t =
        read("tramontane.intake.triggers.gh { tenant = acme, scheme = github, secrets = [\"env:S\"] }")
            .get("gh");
    assertFalse(t.toString().contains("Secret to Everybody"), t.toString());
  }

  @Test
  void anEmptyStandardWebhooksSecretIsRefusedAtStartUp() {
    env.put("S", "whsec_");
    ConfigurationException e =
        refused(
            """
            tramontane.intake.triggers.orders {
              tenant = acme
              scheme = standard-webhooks
              secrets = ["env:S"]
            }
            """);
    assertTrue(
        e.getMessage().contains("tramontane.intake.triggers.orders.secrets[0]"), e.getMessage());
  }
}
