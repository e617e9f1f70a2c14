package io.tramontane.intake.feed;

import io.tramontane.intake.Delivery;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Handles accepted deliveries in journal order. The handler runs inside the database transaction
 * that also stores the consumer's offset: whatever it writes through {@code tx} happens exactly
 * once per delivery, across crashes and restarts. Effects outside the database happen at least
 * once, so they must be idempotent on {@link Delivery#deliveryId()}.
 */
@FunctionalInterface
public interface DeliveryConsumer {

  void accept(Connection tx, Delivery delivery) throws SQLException;
}
