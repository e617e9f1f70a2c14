package io.tramontane.intake.signature;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A way senders sign webhooks. Implementations compare in constant time and verify the exact body
 * bytes received (never a re-encoded string).
 */
public sealed interface SignatureScheme permits StandardWebhooksScheme, GitHubScheme {

  /** Delivery ids become entity ids and URL path segments: keep them short and plain. */
  Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  /**
   * Verifies one request.
   *
   * @param headers request headers, names in lower case
   * @param body the raw body bytes
   */
  Verification verify(Map<String, String> headers, byte[] body);

  /**
   * Every header the scheme reads (names in lower case). Each must come at most once: a repeated
   * one is refused, so no proxy and application can read different values of it.
   */
  java.util.Set<String> headers();

  /** Header names that carry signatures; they are never stored with the delivery. */
  java.util.Set<String> signatureHeaders();

  static Verification checkDeliveryId(String header, String value) {
    if (value == null || value.isBlank()) {
      return Verification.malformed("header " + header + " is missing");
    }
    if (!DELIVERY_ID.matcher(value).matches()) {
      return Verification.malformed(
          "header " + header + " must be 1 to 128 characters of letters, digits and . _ : -");
    }
    return new Verification.Verified(value);
  }
}
