package io.tramontane.intake.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksSchemeTest {

  // The test vector published with the Standard Webhooks specification and its libraries.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SECRET_BASE64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330L;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static final byte[] KEY = StandardWebhooksScheme.decodeSecret(SECRET);
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private static Clock clockAt(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  private static StandardWebhooksScheme schemeAt(long epochSecond, byte[]... secrets) {
    return new StandardWebhooksScheme(List.of(secrets), TOLERANCE, clockAt(epochSecond));
  }

  private static Map<String, String> headers(String id, String timestamp, String signature) {
    Map<String, String> h = new HashMap<>();
    if (id != null) {
      h.put("webhook-id", id);
    }
    if (timestamp != null) {
      h.put("webhook-timestamp", timestamp);
    }
    if (signature != null) {
      h.put("webhook-signature", signature);
    }
    return h;
  }

  private static Map<String, String> vectorHeaders() {
    return headers(ID, Long.toString(TIMESTAMP), SIGNATURE);
  }

  private static byte[] body() {
    return BODY.getBytes(StandardCharsets.UTF_8);
  }

  private static Verification.Rejected assertRejected(
      Verification.Reason reason, Verification verification) {
    Verification.Rejected rejected = assertInstanceOf(Verification.Rejected.class, verification);
    assertEquals(reason, rejected.reason(), rejected.detail());
    assertFalse(rejected.detail().contains(SECRET_BASE64), "detail leaks the secret");
    assertFalse(
        rejected.detail().contains(SIGNATURE.substring(3)), "detail echoes the expected signature");
    return rejected;
  }

  private static void assertVerified(String id, Verification verification) {
    assertEquals(new Verification.Verified(id), verification);
  }

  @Test
  void signReproducesThePublishedVector() {
    assertEquals(SIGNATURE, StandardWebhooksScheme.sign(KEY, ID, TIMESTAMP, body()));
  }

  @Test
  void verifyAcceptsThePublishedVectorAtItsTimestamp() {
    assertVerified(ID, schemeAt(TIMESTAMP, KEY).verify(vectorHeaders(), body()));
  }

  @Test
  void decodeSecretAcceptsTheSecretWithAndWithoutPrefix() {
    assertTrue(
        Arrays.equals(KEY, StandardWebhooksScheme.decodeSecret(SECRET_BASE64)),
        "the whsec_ prefix is optional");
    assertThrows(
        IllegalArgumentException.class, () -> StandardWebhooksScheme.decodeSecret("whsec_%%%"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain ascii",
        "{\"name\": \"Zoë Ångström\", \"city\": \"Zürich\"}",
        "{\"emoji\": \"\uD83D\uDE80\uD83C\uDF0A\", \"cjk\": \"北風\"}",
        "line one\nline two\r\n\ttabbed"
      })
  void signMatchesTheReferenceLibraryOnUtf8Bodies(String payload) throws Exception {
    Webhook oracle = new Webhook(SECRET);
    String id = "msg_" + Integer.toHexString(payload.hashCode());
    long timestamp = TIMESTAMP + payload.length();
    assertEquals(
        oracle.sign(id, timestamp, payload),
        StandardWebhooksScheme.sign(KEY, id, timestamp, payload.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSignatureMadeByTheReferenceLibraryVerifies() throws Exception {
    String payload = "{\"order\": \"Bestellung für Müller\"}";
    String signature = new Webhook(SECRET).sign("msg_lib", TIMESTAMP, payload);
    assertVerified(
        "msg_lib",
        schemeAt(TIMESTAMP, KEY)
            .verify(
                headers("msg_lib", Long.toString(TIMESTAMP), signature),
                payload.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void missingWebhookIdIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY)
                .verify(headers(null, Long.toString(TIMESTAMP), SIGNATURE), body()));
    assertTrue(r.detail().contains("webhook-id"), r.detail());
  }

  @Test
  void missingWebhookTimestampIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY).verify(headers(ID, null, SIGNATURE), body()));
    assertTrue(r.detail().contains("webhook-timestamp"), r.detail());
  }

  @Test
  void missingWebhookSignatureIsMalformed() {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY).verify(headers(ID, Long.toString(TIMESTAMP), null), body()));
    assertTrue(r.detail().contains("webhook-signature"), r.detail());
  }

  @Test
  void blankHeadersCountAsMissing() {
    StandardWebhooksScheme scheme = schemeAt(TIMESTAMP, KEY);
    assertRejected(
        Verification.Reason.MALFORMED,
        scheme.verify(headers(" ", Long.toString(TIMESTAMP), SIGNATURE), body()));
    assertRejected(
        Verification.Reason.MALFORMED, scheme.verify(headers(ID, "", SIGNATURE), body()));
    assertRejected(
        Verification.Reason.MALFORMED,
        scheme.verify(headers(ID, Long.toString(TIMESTAMP), "  "), body()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "1614265330.5", "2021-02-25T15:02:10Z", "0x5f"})
  void nonNumericTimestampIsMalformed(String timestamp) {
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY).verify(headers(ID, timestamp, SIGNATURE), body()));
    assertTrue(r.detail().contains("webhook-timestamp"), r.detail());
  }

  @Test
  void onlyAV2SignatureIsRefusedNamingV1() {
    String v2 = "v2," + SIGNATURE.substring(3);
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.UNAUTHENTICATED,
            schemeAt(TIMESTAMP, KEY).verify(headers(ID, Long.toString(TIMESTAMP), v2), body()));
    assertTrue(r.detail().contains("v1"), r.detail());
  }

  @Test
  void aSignatureWithoutVersionPrefixIsRefused() {
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP, KEY)
            .verify(headers(ID, Long.toString(TIMESTAMP), SIGNATURE.substring(3)), body()));
  }

  @Test
  void staleTimestampIsRefused() {
    long now = TIMESTAMP + TOLERANCE.toSeconds() + 1;
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.UNAUTHENTICATED,
            schemeAt(now, KEY).verify(vectorHeaders(), body()));
    assertTrue(r.detail().contains("old"), r.detail());
  }

  @Test
  void futureTimestampIsRefused() {
    long now = TIMESTAMP - TOLERANCE.toSeconds() - 1;
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.UNAUTHENTICATED,
            schemeAt(now, KEY).verify(vectorHeaders(), body()));
    assertTrue(r.detail().contains("future"), r.detail());
  }

  @Test
  void aCorrectlySignedRequestReplayedSixMinutesLaterIsRefused() {
    Map<String, String> captured = vectorHeaders();
    assertVerified(ID, schemeAt(TIMESTAMP, KEY).verify(captured, body()));
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP + Duration.ofMinutes(6).toSeconds(), KEY).verify(captured, body()));
  }

  @Test
  void timestampsJustInsideTheToleranceAreAccepted() {
    long edge = TOLERANCE.toSeconds();
    assertVerified(ID, schemeAt(TIMESTAMP + edge, KEY).verify(vectorHeaders(), body()));
    assertVerified(ID, schemeAt(TIMESTAMP - edge, KEY).verify(vectorHeaders(), body()));
    assertVerified(ID, schemeAt(TIMESTAMP + edge - 1, KEY).verify(vectorHeaders(), body()));
  }

  @Test
  void aOneByteBodyChangeIsRefused() {
    byte[] tampered = body();
    tampered[tampered.length - 2] ^= 0x01;
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.UNAUTHENTICATED,
            schemeAt(TIMESTAMP, KEY).verify(vectorHeaders(), tampered));
    assertTrue(r.detail().contains("matches"), r.detail());
  }

  @Test
  void aOneByteLongerBodyIsRefused() {
    byte[] longer = (BODY + " ").getBytes(StandardCharsets.UTF_8);
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP, KEY).verify(vectorHeaders(), longer));
  }

  @Test
  void aChangedIdOrTimestampIsRefused() {
    StandardWebhooksScheme scheme = schemeAt(TIMESTAMP, KEY);
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        scheme.verify(headers(ID + "x", Long.toString(TIMESTAMP), SIGNATURE), body()));
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        scheme.verify(headers(ID, Long.toString(TIMESTAMP + 1), SIGNATURE), body()));
  }

  @Test
  void severalSignaturesWhereOnlyOneIsValidAreAccepted() {
    String wrong = StandardWebhooksScheme.sign(new byte[] {1, 2, 3}, ID, TIMESTAMP, body());
    String header = "v2,AAAA " + wrong + "  " + SIGNATURE + " v1,Zm9v";
    assertVerified(
        ID, schemeAt(TIMESTAMP, KEY).verify(headers(ID, Long.toString(TIMESTAMP), header), body()));
  }

  @Test
  void severalSignaturesNoneValidAreRefused() {
    String a = StandardWebhooksScheme.sign(new byte[] {1}, ID, TIMESTAMP, body());
    String b = StandardWebhooksScheme.sign(new byte[] {2}, ID, TIMESTAMP, body());
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP, KEY)
            .verify(headers(ID, Long.toString(TIMESTAMP), a + " " + b), body()));
  }

  @Test
  void keyRotationTheOldSecretStillVerifies() {
    byte[] newKey = "a brand new signing key, 32 b!!".getBytes(StandardCharsets.UTF_8);
    StandardWebhooksScheme rotating = schemeAt(TIMESTAMP, newKey, KEY);
    // A sender still on the old secret.
    assertVerified(ID, rotating.verify(vectorHeaders(), body()));
    // A sender already on the new secret.
    String withNew = StandardWebhooksScheme.sign(newKey, ID, TIMESTAMP, body());
    assertVerified(ID, rotating.verify(headers(ID, Long.toString(TIMESTAMP), withNew), body()));
    // Once the old secret is dropped, the old signature no longer verifies.
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP, newKey).verify(vectorHeaders(), body()));
  }

  @Test
  void anEntryWithInvalidBase64IsIgnored() {
    String header = "v1,!!not*base64!! " + SIGNATURE;
    assertVerified(
        ID, schemeAt(TIMESTAMP, KEY).verify(headers(ID, Long.toString(TIMESTAMP), header), body()));
    assertRejected(
        Verification.Reason.UNAUTHENTICATED,
        schemeAt(TIMESTAMP, KEY)
            .verify(headers(ID, Long.toString(TIMESTAMP), "v1,!!not*base64!!"), body()));
  }

  @Test
  void moreThanTenSignaturesAreRefusedEvenIfOneMatches() {
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < StandardWebhooksScheme.MAX_SIGNATURES; i++) {
      entries.add("v1," + Base64.getEncoder().encodeToString(new byte[] {(byte) i}));
    }
    entries.add(SIGNATURE);
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY)
                .verify(headers(ID, Long.toString(TIMESTAMP), String.join(" ", entries)), body()));
    assertTrue(r.detail().contains("10"), r.detail());

    // Exactly ten, the valid one among them, is still rotation.
    entries.remove(0);
    assertVerified(
        ID,
        schemeAt(TIMESTAMP, KEY)
            .verify(headers(ID, Long.toString(TIMESTAMP), String.join(" ", entries)), body()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"msg/../../etc", "msg p5j", "msg%2Fx", "msg\u0000nul", "msg_ü", "msg\nnewline"})
  void invalidDeliveryIdCharactersAreMalformedEvenWhenCorrectlySigned(String id) {
    String signature = StandardWebhooksScheme.sign(KEY, id, TIMESTAMP, body());
    Verification.Rejected r =
        assertRejected(
            Verification.Reason.MALFORMED,
            schemeAt(TIMESTAMP, KEY)
                .verify(headers(id, Long.toString(TIMESTAMP), signature), body()));
    assertTrue(r.detail().contains("webhook-id"), r.detail());
  }

  @Test
  void deliveryIdsAreLimitedTo128Characters() {
    String longest = "m".repeat(128);
    assertVerified(
        longest,
        schemeAt(TIMESTAMP, KEY)
            .verify(
                headers(
                    longest,
                    Long.toString(TIMESTAMP),
                    StandardWebhooksScheme.sign(KEY, longest, TIMESTAMP, body())),
                body()));
    String tooLong = longest + "m";
    assertRejected(
        Verification.Reason.MALFORMED,
        schemeAt(TIMESTAMP, KEY)
            .verify(
                headers(
                    tooLong,
                    Long.toString(TIMESTAMP),
                    StandardWebhooksScheme.sign(KEY, tooLong, TIMESTAMP, body())),
                body()));
  }

  @Test
  void rejectionDetailsNeverContainTheSecret() {
    StandardWebhooksScheme scheme = schemeAt(TIMESTAMP, KEY);
    List<Map<String, String>> bad =
        List.of(
            headers(null, null, null),
            headers(ID, "soon", SIGNATURE),
            headers(ID, Long.toString(TIMESTAMP - 3600), SIGNATURE),
            headers(ID, Long.toString(TIMESTAMP + 3600), SIGNATURE),
            headers(ID, Long.toString(TIMESTAMP), "v2,abc"),
            headers(ID, Long.toString(TIMESTAMP), "v1,AAAA"),
            headers(ID, Long.toString(TIMESTAMP), SECRET),
            headers("bad id", Long.toString(TIMESTAMP), SIGNATURE));
    for (Map<String, String> h : bad) {
      Verification v = scheme.verify(h, body());
      Verification.Rejected r = assertInstanceOf(Verification.Rejected.class, v, h.toString());
      assertFalse(r.detail().contains(SECRET_BASE64), r.detail());
      assertFalse(r.detail().contains(new String(KEY, StandardCharsets.ISO_8859_1)), r.detail());
    }
  }

  @Test
  void aSchemeWithoutSecretsCannotBeBuilt() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new StandardWebhooksScheme(List.of(), TOLERANCE, Clock.systemUTC()));
  }

  @Test
  void onlyTheSignatureHeaderIsKeptOutOfStorage() {
    assertEquals(Set.of("webhook-signature"), schemeAt(TIMESTAMP, KEY).signatureHeaders());
  }
}
