package io.tramontane.intake.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubSchemeTest {

  // GitHub's documented example ("Validating webhook deliveries").
  private static final String SECRET = "It's a Secret to Everybody";
  private static final String BODY = "Hello, World!";
  private static final String SIGNATURE =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  private static final String DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

  private static final byte[] KEY = SECRET.getBytes(StandardCharsets.UTF_8);
  private static final GitHubScheme SCHEME = new GitHubScheme(List.of(KEY));

  private static byte[] body() {
    return BODY.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> headers(String delivery, String signature) {
    Map<String, String> h = new HashMap<>();
    h.put("x-github-event", "push");
    if (delivery != null) {
      h.put("x-github-delivery", delivery);
    }
    if (signature != null) {
      h.put("x-hub-signature-256", signature);
    }
    return h;
  }

  private static Verification.Rejected assertRejected(
      Verification.Reason reason, Verification verification) {
    Verification.Rejected rejected = assertInstanceOf(Verification.Rejected.class, verification);
    assertEquals(reason, rejected.reason(), rejected.detail());
    assertFalse(rejected.detail().contains(SECRET), "detail leaks the secret");
    assertFalse(rejected.detail().contains(SIGNATURE.substring(7)), "detail echoes the MAC");
    return rejected;
  }

  @Test
  void signReproducesGitHubsDocumentedExample() {
    assertEquals(SIGNATURE, GitHubScheme.sign(KEY, body()));
  }

  @Test
  void verifyAcceptsGitHubsDocumentedExample() {
    assertEquals(
        new Verification.Verified(DELIVERY), SCHEME.verify(headers(DELIVERY, SIGNATURE), body()));
  }

  @Test
  void missingSignatureHeaderIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED, SCHEME.verify(headers(DELIVERY, null), body()));
    assertTrue(r.detail().contains("X-Hub-Signature-256"), r.detail());
  }

  @Test
  void onlyTheLegacySha1HeaderIsMalformed() {
    Map<String, String> h = headers(DELIVERY, null);
    h.put("x-hub-signature", "sha1=" + "0".repeat(40));
    assertRejected(Verification.Reason.MALFORMED, SCHEME.verify(h, body()));
  }

  @Test
  void missingDeliveryIdIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED, SCHEME.verify(headers(null, SIGNATURE), body()));
    assertTrue(r.detail().contains("x-github-delivery"), r.detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc/passwd", "id with spaces", "ünïcode"})
  void invalidDeliveryIdIsMalformed(String delivery) {
    assertRejected(
        Verification.Reason.MALFORMED, SCHEME.verify(headers(delivery, SIGNATURE), body()));
  }

  @Test
  void sha1FormatInTheSha256HeaderIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            SCHEME.verify(
                headers(DELIVERY, "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"), body()));
    assertTrue(r.detail().contains("sha256="), r.detail());
  }

  @Test
  void aBareHexDigestWithoutPrefixIsMalformed() {
    assertRejected(
        Verification.Reason.MALFORMED,
        SCHEME.verify(headers(DELIVERY, SIGNATURE.substring(7)), body()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
        "sha256=not hex at all"
      })
  void badHexIsMalformed(String signature) {
    assertRejected(
        Verification.Reason.MALFORMED, SCHEME.verify(headers(DELIVERY, signature), body()));
  }

  @Test
  void aWellFormedButWrongDigestIsUnauthenticated() {
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        SCHEME.verify(headers(DELIVERY, "sha256=" + "00".repeat(32)), body()));
  }

  @Test
  void aOneByteBodyChangeIsRefused() {
    byte[] tampered = body();
    tampered[tampered.length - 1] = '?';
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.UNAUTHENTICATED,
            SCHEME.verify(headers(DELIVERY, SIGNATURE), tampered));
    assertTrue(r.detail().contains("does not match"), r.detail());
  }

  @Test
  void uppercaseHexIsAccepted() {
    String upper = "sha256=" + SIGNATURE.substring(7).toUpperCase(Locale.ROOT);
    assertEquals(
        new Verification.Verified(DELIVERY), SCHEME.verify(headers(DELIVERY, upper), body()));
  }

  @Test
  void surroundingWhitespaceInTheHeaderIsTolerated() {
    assertEquals(
        new Verification.Verified(DELIVERY),
        SCHEME.verify(headers(DELIVERY, "  " + SIGNATURE + " "), body()));
  }

  @Test
  void rotationWithTwoSecretsAcceptsBothAndNothingElse() {
    byte[] newKey = "the new secret".getBytes(StandardCharsets.UTF_8);
    GitHubScheme rotating = new GitHubScheme(List.of(newKey, KEY));
    assertEquals(
        new Verification.Verified(DELIVERY), rotating.verify(headers(DELIVERY, SIGNATURE), body()));
    assertEquals(
        new Verification.Verified(DELIVERY),
        rotating.verify(headers(DELIVERY, GitHubScheme.sign(newKey, body())), body()));
    byte[] otherKey = "someone else".getBytes(StandardCharsets.UTF_8);
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        rotating.verify(headers(DELIVERY, GitHubScheme.sign(otherKey, body())), body()));
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        new GitHubScheme(List.of(newKey)).verify(headers(DELIVERY, SIGNATURE), body()));
  }

  @Test
  void bothSignatureHeadersAreKeptOutOfStorage() {
    assertEquals(Set.of("x-hub-signature-256", "x-hub-signature"), SCHEME.signatureHeaders());
  }

  @Test
  void aSchemeWithoutSecretsCannotBeBuilt() {
    assertThrows(IllegalArgumentException.class, () -> new GitHubScheme(List.of()));
  }
}
