package io.tramontane.bench;

import io.tramontane.intake.signature.StandardWebhooksScheme;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Pre-signed Standard Webhooks requests for wrk, which cannot compute an HMAC: one line per request
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}, tab-separated) over
 * one shared 1 KB JSON body. Every id is unique, so every request passes the dedup entity and is
 * persisted. Timestamps are "now", well inside the ±5 minute replay window.
 */
final class SignedRequests {

  static final int BODY_BYTES = 1024;

  private final byte[] key;
  private final byte[] body;
  private final Clock clock;

  SignedRequests(String secret, Clock clock) {
    this.key = StandardWebhooksScheme.decodeSecret(secret);
    this.body = body();
    this.clock = clock;
  }

  /** A 1,024-byte JSON order event, like a shop would send. */
  private static byte[] body() {
    String head =
        "{\"type\":\"order.created\",\"data\":{\"order\":\"ORD-2026-004217\",\"customer\":"
            + "\"cus_8f2a61\",\"currency\":\"EUR\",\"total\":1250.40,\"items\":["
            + "{\"sku\":\"TRM-100\",\"qty\":2,\"price\":410.20},"
            + "{\"sku\":\"TRM-220\",\"qty\":1,\"price\":430.00}],\"note\":\"";
    String tail = "\"}}";
    StringBuilder json = new StringBuilder(head);
    while (json.length() < BODY_BYTES - tail.length()) {
      json.append('x');
    }
    return json.append(tail).toString().getBytes(StandardCharsets.US_ASCII);
  }

  Path writeBody(Path file) throws IOException {
    return Files.write(file, body);
  }

  /**
   * Writes {@code count} signed requests with ids {@code idPrefix + n}.
   *
   * @param idPrefix letters, digits, '-' and '.' only (no '_', a LIKE wildcard in the check)
   */
  Path write(Path file, String idPrefix, long count) throws IOException {
    long seconds = clock.instant().getEpochSecond();
    String ts = Long.toString(seconds);
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (long n = 0; n < count; n++) {
        String id = idPrefix + n;
        String signature = StandardWebhooksScheme.sign(key, id, seconds, body);
        out.write(id);
        out.write('\t');
        out.write(ts);
        out.write('\t');
        out.write(signature);
        out.write('\n');
      }
    }
    return file;
  }
}
