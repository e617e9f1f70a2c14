package io.tramontane.intake;

import io.tramontane.core.CborSerializable;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One accepted webhook delivery, as journaled: which trigger and tenant, the sender's delivery id,
 * when it arrived, the headers of interest and the exact body bytes that were verified.
 */
public record Delivery(
    String trigger,
    String deliveryId,
    String tenant,
    Instant receivedAt,
    Map<String, String> headers,
    byte[] payload)
    implements CborSerializable {

  public Delivery {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(receivedAt, "receivedAt");
    headers = Map.copyOf(headers);
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Delivery d
        && trigger.equals(d.trigger)
        && deliveryId.equals(d.deliveryId)
        && tenant.equals(d.tenant)
        && receivedAt.equals(d.receivedAt)
        && headers.equals(d.headers)
        && Arrays.equals(payload, d.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trigger, deliveryId, tenant, receivedAt, headers, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "Delivery["
        + trigger
        + "/"
        + deliveryId
        + ", tenant="
        + tenant
        + ", "
        + payload.length
        + " bytes]";
  }
}
