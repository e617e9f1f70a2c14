package io.tramontane.intake.signature;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * GitHub webhooks: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>} and the
 * delivery id in {@code X-GitHub-Delivery}. GitHub signs no timestamp, so replays are stopped by
 * deduplication on the delivery id. Several secrets allow rotation.
 */
public record GitHubScheme(List<byte[]> secrets) implements SignatureScheme {

  static final String SIGNATURE = "x-hub-signature-256";
  static final String DELIVERY = "x-github-delivery";

  public GitHubScheme {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one secret is required");
    }
    secrets = List.copyOf(secrets);
  }

  /** The header value GitHub would send for this body. */
  public static String sign(byte[] secret, byte[] body) {
    return "sha256=" + HexFormat.of().formatHex(Hmac.sha256(secret, body));
  }

  @Override
  public Set<String> headers() {
    return Set.of(DELIVERY, SIGNATURE, "x-hub-signature", "x-github-event");
  }

  @Override
  public Set<String> signatureHeaders() {
    return Set.of(SIGNATURE, "x-hub-signature");
  }

  @Override
  public Verification verify(Map<String, String> headers, byte[] body) {
    Verification idCheck = SignatureScheme.checkDeliveryId(DELIVERY, headers.get(DELIVERY));
    if (!(idCheck instanceof Verification.Verified)) {
      return idCheck;
    }
    String header = headers.get(SIGNATURE);
    if (header == null || header.isBlank()) {
      return Verification.malformed(
          "header X-Hub-Signature-256 is missing (set a secret on the GitHub webhook)");
    }
    String value = header.strip();
    if (!value.startsWith("sha256=")) {
      return Verification.malformed("header X-Hub-Signature-256 must look like sha256=<hex>");
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value.substring(7).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Verification.malformed("header X-Hub-Signature-256 must look like sha256=<hex>");
    }
    for (byte[] secret : secrets) {
      if (MessageDigest.isEqual(Hmac.sha256(secret, body), given)) {
        return idCheck;
      }
    }
    return Verification.unauthenticated("X-Hub-Signature-256 does not match the body");
  }
}
