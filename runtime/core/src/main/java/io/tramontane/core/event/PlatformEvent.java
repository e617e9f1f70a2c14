package io.tramontane.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.InvalidRequestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * An event inside Tramontane, with the attributes of a CloudEvents 1.0 event: connectors publish
 * them ({@code io.tramontane.document.changed}, {@code io.tramontane.mail.received} …), workflows
 * emit them, and workflows start on them ({@code schedule.on}) or wait for them ({@code listen}).
 * The pair ({@code source}, {@code id}) identifies an event: publishing it again is a no-op, so a
 * publisher that may repeat itself (a connector after a crash) gives deterministic ids, e.g. the
 * item's id and version. {@code tenant} is a CloudEvents extension attribute; {@code data} is JSON.
 */
public record PlatformEvent(
    String id, String source, String type, String subject, Instant time, String tenant, String data)
    implements CborSerializable {

  /**
   * Largest {@code data} accepted (JSON text, UTF-8). Events point at documents, never carry them.
   */
  public static final int MAX_DATA_BYTES = 256 * 1024;

  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  public PlatformEvent {
    require(id != null && !id.isBlank() && id.length() <= 512, "id", "1-512 characters");
    require(
        source != null && !source.isBlank() && source.length() <= 1024,
        "source",
        "a URI reference of 1-1024 characters, e.g. tramontane://connector/imap/support");
    require(
        type != null && TYPE.matcher(type).matches(),
        "type",
        "letters, digits, '.', '_' or '-', e.g. io.tramontane.mail.received");
    require(
        tenant != null && TENANT.matcher(tenant).matches(),
        "tenant",
        "a tenant name (letters, digits, '.', '_' or '-')");
    require(subject == null || subject.length() <= 1024, "subject", "at most 1024 characters");
    require(time != null, "time", "a timestamp");
    data = data == null || data.isBlank() ? "null" : data;
    require(
        data.getBytes(StandardCharsets.UTF_8).length <= MAX_DATA_BYTES,
        "data",
        "at most " + MAX_DATA_BYTES / 1024 + " KiB of JSON; point at large content instead");
  }

  private static void require(boolean ok, String attribute, String what) {
    if (!ok) {
      throw new InvalidRequestException(
          "event attribute '" + attribute + "' must be " + what + ".");
    }
  }

  /** An event with JSON data, now. */
  public static PlatformEvent of(
      String tenant, String source, String id, String type, String subject, JsonNode data) {
    return new PlatformEvent(
        id, source, type, subject, Instant.now(), tenant, data == null ? null : data.toString());
  }

  /** The data as JSON. */
  public JsonNode dataJson() {
    try {
      return JSON.readTree(data);
    } catch (IOException e) {
      throw new IllegalStateException("event data is not JSON", e);
    }
  }

  /** The event in the CloudEvents 1.0 JSON format (structured mode). */
  public ObjectNode toCloudEvent() {
    ObjectNode e = JSON.createObjectNode();
    e.put("specversion", "1.0")
        .put("id", id)
        .put("source", source)
        .put("type", type)
        .put("time", time.toString())
        .put("datacontenttype", "application/json")
        .put("tenant", tenant);
    if (subject != null) {
      e.put("subject", subject);
    }
    e.set("data", dataJson());
    return e;
  }

  /**
   * Reads a CloudEvents JSON object for {@code tenant} (a {@code tenant} attribute in it is
   * refused: the tenant comes from who publishes). The {@code id} is required: it is what makes a
   * retried publish land once. A missing {@code time} is filled in.
   */
  public static PlatformEvent fromCloudEvent(String tenant, JsonNode e) {
    if (e == null || !e.isObject()) {
      throw new InvalidRequestException(
          "an event is a CloudEvents JSON object: {\"type\": …, \"source\": …, \"data\": …}.");
    }
    if (e.has("tenant")) {
      throw new InvalidRequestException(
          "the 'tenant' attribute is set from your API key; remove it from the event.");
    }
    if (e.has("specversion") && !"1.0".equals(e.get("specversion").asText())) {
      throw new InvalidRequestException("only CloudEvents specversion 1.0 is supported.");
    }
    if (!e.hasNonNull("id") || e.get("id").asText().isBlank()) {
      throw new InvalidRequestException(
          "event attribute 'id' is missing: give each event an id unique for its source, so that a"
              + " retried publish is stored once, e.g. {\"id\": \"order-42-paid\", \"source\":"
              + " \"https://shop.example.com\", \"type\": \"com.example.order.paid\"}.");
    }
    Instant time;
    try {
      time = e.hasNonNull("time") ? Instant.parse(e.get("time").asText()) : Instant.now();
    } catch (RuntimeException ex) {
      throw new InvalidRequestException(
          "event attribute 'time' must be an RFC 3339 timestamp, e.g. 2026-12-01T10:00:00Z.");
    }
    return new PlatformEvent(
        e.get("id").asText(),
        e.path("source").asText(null),
        e.path("type").asText(null),
        e.hasNonNull("subject") ? e.get("subject").asText() : null,
        time,
        tenant,
        e.has("data") ? e.get("data").toString() : null);
  }
}
