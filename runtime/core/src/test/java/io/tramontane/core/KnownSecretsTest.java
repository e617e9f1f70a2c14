package io.tramontane.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownSecretsTest {

  static final String KEY = "sk-live/Ab\"Cd\\Ef+Gh=x y";

  @BeforeEach
  @AfterEach
  void forget() {
    KnownSecrets.clear();
  }

  @Test
  void everyResolvedSecretIsRedactedAsWrittenJsonEscapedAndUrlEncoded(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("k"), "file-secret-0123456789\n");
    SecretReference.resolve("a.key", "env:K", Map.of("K", KEY)::get);
    SecretReference.resolve("b.key", "file:" + dir.resolve("k"), n -> null);
    String line =
        "raw="
            + KEY
            + " json=sk-live\\/Ab\\\"Cd\\\\Ef+Gh=x y"
            + " url=sk-live%2FAb%22Cd%5CEf%2BGh%3Dx+y"
            + " lower=sk-live%2fAb%22Cd%5cEf%2bGh%3dx%20y"
            + " file=file-secret-0123456789";
    assertTrue(KnownSecrets.leaks(line));
    String clean = KnownSecrets.redact(line);
    assertEquals(
        "raw=[redacted] json=[redacted] url=[redacted] lower=[redacted] file=[redacted]", clean);
    assertFalse(KnownSecrets.leaks(clean));
  }

  @Test
  void shortValuesAreNotSecretsWorthRedacting() {
    KnownSecrets.register("sa");
    KnownSecrets.register("");
    KnownSecrets.register(null);
    assertTrue(KnownSecrets.isEmpty());
    assertEquals("user sa logged in", KnownSecrets.redact("user sa logged in"));
  }

  @Test
  void aForgottenTokenIsNoLongerRedacted() {
    KnownSecrets.register("token-one-0123456789");
    KnownSecrets.register("token-two-0123456789");
    KnownSecrets.forget("token-one-0123456789");
    assertEquals(
        "token-one-0123456789 [redacted]",
        KnownSecrets.redact("token-one-0123456789 token-two-0123456789"));
  }

  @Test
  void oneSecretCanBeRedactedWithItsOwnMarker() {
    String text = "key " + KEY + " or sk-live%2FAb%22Cd%5CEf%2BGh%3Dx+y";
    assertTrue(KnownSecrets.mentions(text, KEY));
    assertEquals("key [key] or [key]", KnownSecrets.redact(text, KEY, "[key]"));
  }
}
