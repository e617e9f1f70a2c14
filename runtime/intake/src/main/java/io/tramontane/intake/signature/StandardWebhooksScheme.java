package io.tramontane.intake.signature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>: {@code webhook-id}, {@code
 * webhook-timestamp} (Unix seconds) and {@code webhook-signature}, a space-separated list of {@code
 * v1,<base64 HMAC-SHA256 of "id.timestamp.body">}. Several signatures and several secrets allow key
 * rotation; any match is enough. Timestamps outside the tolerance are refused (replay window).
 */
public record StandardWebhooksScheme(List<byte[]> secrets, Duration tolerance, Clock clock)
    implements SignatureScheme {

  static final String ID = "webhook-id";
  static final String TIMESTAMP = "webhook-timestamp";
  static final String SIGNATURE = "webhook-signature";

  /** More signatures than this in one header is abuse, not rotation. */
  static final int MAX_SIGNATURES = 10;

  public StandardWebhooksScheme {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is required");
    }
    secrets = List.copyOf(secrets);
  }

  /** Decodes a {@code whsec_<base64>} secret (the prefix is optional) into key bytes. */
  public static byte[] decodeSecret(String secret) {
    String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    byte[] key = Base64.getDecoder().decode(b64.strip());
    if (key.length == 0) {
      throw new IllegalArgumentException("the secret decodes to an empty key");
    }
    return key;
  }

  /** The {@code v1,<base64>} signature of one message: what a sender puts in the header. */
  public static String sign(byte[] secret, String id, long timestamp, byte[] body) {
    byte[] mac = mac(secret, id, Long.toString(timestamp), body);
    return "v1," + Base64.getEncoder().encodeToString(mac);
  }

  private static byte[] mac(byte[] secret, String id, String timestamp, byte[] body) {
    byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    return Hmac.sha256(secret, prefix, body);
  }

  @Override
  public Set<String> headers() {
    return Set.of(ID, TIMESTAMP, SIGNATURE);
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of(SIGNATURE);
  }

  @Override
  public Verification verify(Map<String, String> headers, byte[] body) {
    Verification idCheck = SignatureScheme.checkDeliveryId(ID, headers.get(ID));
    if (!(idCheck instanceof Verification.Verified verifiedId)) {
      return idCheck;
    }
    String ts = headers.get(TIMESTAMP);
    if (ts == null || ts.isBlank()) {
      return Verification.malformed("header " + TIMESTAMP + " is missing");
    }
    long seconds;
    try {
      seconds = Long.parseLong(ts.strip());
    } catch (NumberFormatException e) {
      return Verification.malformed(
          "header "
              + TIMESTAMP
              + " must be Unix time in whole seconds, was '"
              + abbreviate(ts)
              + "'");
    }
    String header = headers.get(SIGNATURE);
    if (header == null || header.isBlank()) {
      return Verification.malformed("header " + SIGNATURE + " is missing");
    }
    long now = clock.instant().getEpochSecond();
    if (seconds < now - tolerance.toSeconds()) {
      return Verification.unauthenticated(
          "webhook-timestamp is more than "
              + tolerance.toMinutes()
              + " minutes old; replays are refused (check the sender's clock)");
    }
    if (seconds > now + tolerance.toSeconds()) {
      return Verification.unauthenticated(
          "webhook-timestamp is more than "
              + tolerance.toMinutes()
              + " minutes in the future (check the sender's clock)");
    }
    String[] entries = header.strip().split("\\s+");
    if (entries.length > MAX_SIGNATURES) {
      return Verification.malformed(
          "header " + SIGNATURE + " carries more than " + MAX_SIGNATURES + " signatures");
    }
    boolean sawV1 = false;
    String id = verifiedId.deliveryId();
    for (byte[] secret : secrets) {
      byte[] expected = mac(secret, id, ts.strip(), body);
      for (String entry : entries) {
        if (!entry.startsWith("v1,")) {
          continue;
        }
        sawV1 = true;
        byte[] given;
        try {
          given = Base64.getDecoder().decode(entry.substring(3));
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (MessageDigest.isEqual(expected, given)) {
          return verifiedId;
        }
      }
    }
    if (!sawV1) {
      return Verification.unauthenticated(
          "no v1 signature in " + SIGNATURE + "; only v1 (HMAC-SHA256) is supported");
    }
    return Verification.unauthenticated("no signature in " + SIGNATURE + " matches the body");
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
