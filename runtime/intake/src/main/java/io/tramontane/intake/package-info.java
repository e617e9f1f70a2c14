/**
 * Webhook intake: the platform's front door for signed events.
 *
 * <p>A {@link io.tramontane.intake.WebhookIntake} verifies a request against its trigger's scheme
 * ({@code signature} package), then asks the sharded {@link io.tramontane.intake.DeliveryEntity}
 * (keyed by trigger and sender delivery id) to persist it. The first delivery is journaled before
 * anyone is answered; a duplicate gets the same id and creates nothing. Accepted deliveries are
 * tagged {@value io.tramontane.intake.DeliveryEntity#TAG} and read back in journal order by the
 * {@code feed} package, which stores each consumer's offset.
 */
package io.tramontane.intake;
