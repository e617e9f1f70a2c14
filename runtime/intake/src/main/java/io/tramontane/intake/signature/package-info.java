/**
 * Webhook signatures, independent of HTTP: a trigger's configuration, its scheme, and the verdict
 * on one request's headers and exact body bytes.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Map<String, TriggerSettings> triggers =
 *     TriggerSettings.allFromConfig(config, System::getenv, Clock.systemUTC());
 * switch (triggers.get("github-push").scheme().verify(lowerCaseHeaders, body)) {
 *   case Verification.Verified v -> accept(v.deliveryId());
 *   case Verification.Rejected r -> refuse(r.reason(), r.detail());   // 400 or 401
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.intake.signature.TriggerSettings} — {@code
 *       tramontane.intake.triggers.<name>}: tenant, scheme ({@code standard-webhooks} or {@code
 *       github}), secrets ({@code env:}/{@code file:} references only), {@code max-body-size}.
 *       Mistakes stop start-up naming the key.
 *   <li>{@link io.tramontane.intake.signature.SignatureScheme} — the sealed interface: {@code
 *       verify}, the headers a scheme reads and those that carry signatures (never stored).
 *   <li>{@link io.tramontane.intake.signature.StandardWebhooksScheme} — {@code webhook-id}, {@code
 *       webhook-timestamp} within {@code timestamp-tolerance} (replay window), {@code
 *       webhook-signature} with up to 10 {@code v1,<base64>} entries over {@code
 *       id.timestamp.body}.
 *   <li>{@link io.tramontane.intake.signature.GitHubScheme} — {@code X-Hub-Signature-256:
 *       sha256=<hex>} and {@code X-GitHub-Delivery}; no timestamp, so replays are stopped only by
 *       deduplication on the delivery id.
 *   <li>{@link io.tramontane.intake.signature.Verification} — {@code Verified(deliveryId)} or
 *       {@code Rejected(reason, detail)}, {@code MALFORMED} (400) or {@code UNAUTHENTICATED} (401).
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Signatures are computed over the raw body bytes received, never a re-encoded string, and
 *       compared in constant time ({@code MessageDigest.isEqual}); any configured secret may match
 *       (rotation).
 *   <li>Header names are given in lower case; a header a scheme reads must come once (the caller,
 *       {@code WebhookIntake}, refuses repeats). Rejection details never contain a secret.
 *   <li>A delivery id is 1-128 of {@code [A-Za-z0-9._:-]}: it becomes part of an entity id and a
 *       URL path segment, so the pattern does not widen without checking both.
 *   <li>Schemes keep no state between calls and are thread-safe; {@code TriggerSettings.toString()}
 *       never prints secrets.
 * </ul>
 */
package io.tramontane.intake.signature;
