/**
 * The ordered, resumable stream of accepted webhook deliveries, for whatever must act on them (the
 * server subscribes the workflows here, cluster-wide).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * new DeliveryFeed(node.system(), node.database())
 *     .subscribeClusterWide("workflows", (tx, d) ->
 *         workflows.onDelivery(d.trigger(), d.tenant(), d.deliveryId(), d.payload()));
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.intake.feed.DeliveryFeed} — reads the journal's {@link
 *       io.tramontane.intake.DeliveryEntity#TAG} events from a consumer's stored offset, on this
 *       node ({@code subscribe}, which returns a {@link
 *       io.tramontane.core.feed.JournalFeed.Subscription} to stop it) or once in the cluster
 *       ({@code subscribeClusterWide}, a singleton that moves on failover).
 *   <li>{@link io.tramontane.intake.feed.DeliveryConsumer} — the handler: one {@link
 *       io.tramontane.intake.Delivery} and the JDBC transaction that also advances the offset.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Deliveries arrive in journal order, one at a time per consumer id.
 *   <li>What the handler writes through {@code tx} commits with the offset: exactly once per
 *       delivery and consumer id, across crashes. Anything else it does (HTTP calls, messages to
 *       entities) happens at least once, so it must be idempotent on {@link
 *       io.tramontane.intake.Delivery#deliveryId()} (with the trigger).
 *   <li>A failing handler or database restarts the stream with backoff and hands the same delivery
 *       over again; a handler that always fails holds its consumer at that delivery.
 *   <li>The offset is stored per consumer id (table {@code tramontane_offset}), so a consumer id
 *       (1-200 letters, digits or {@code . _ : -}) names one consumer of one tag for good; a new id
 *       starts from the beginning of the journal. Handlers run on the blocking-I/O dispatcher.
 * </ul>
 *
 * <p>Built on {@link io.tramontane.core.feed.JournalFeed}; events other than {@code
 * DeliveryAccepted} under the tag are skipped.
 */
package io.tramontane.intake.feed;
