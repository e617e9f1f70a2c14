package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives Graph change notifications for one instance, behind {@code POST
 * /connectors/{name}/notifications} (the HTTP route is the server's): the subscription handshake
 * ({@code ?validationToken=…} → the token echoed as {@code text/plain}, 200, at once) and
 * notification batches, each of whose {@code clientState} must equal the configured {@code
 * client-state} (202 and a pass is requested; otherwise 403 and nothing happens). A notification
 * carries no data this connector trusts: it only triggers a delta pass.
 *
 * <p>The pass trigger is the {@code syncNow} the connector hands {@link
 * io.tramontane.connectors.SyncSource#watch}; while the instance is not watching (paused, stopped)
 * valid notifications are acknowledged and dropped — the next pass's delta catches up.
 */
public final class ChangeNotifications {

  /** What to answer: status, content type, body. */
  public record Response(int status, String contentType, String body) {}

  private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifications.class);
  private static final int MAX_TOKEN = 4096;

  private final String instance;
  private final byte[] clientState;
  private final AtomicReference<Runnable> syncNow = new AtomicReference<>();

  ChangeNotifications(String instance, String clientState) {
    this.instance = instance;
    this.clientState = clientState == null ? null : clientState.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Handles one POST.
   *
   * @param rawQuery the request's raw (still percent-encoded) query string, or null
   * @param body the request body
   */
  public Response handle(String rawQuery, byte[] body) {
    String token = queryParameter(rawQuery, "validationToken");
    if (token != null) {
      if (token.length() > MAX_TOKEN) {
        return text(400, "validationToken too long");
      }
      return text(200, token);
    }
    if (clientState == null) {
      return text(
          403,
          "notifications are not accepted: set client-state on connector "
              + instance
              + " and use it as the subscription's clientState");
    }
    JsonNode batch;
    try {
      batch = GraphClient.JSON.readTree(body == null ? new byte[0] : body);
    } catch (IOException e) {
      return text(400, "the body is not a JSON notification batch");
    }
    JsonNode value = batch == null ? null : batch.path("value");
    if (value == null || !value.isArray() || value.isEmpty()) {
      return text(400, "expected {\"value\": [notifications]}");
    }
    for (JsonNode n : value) {
      JsonNode state = n.path("clientState");
      if (!state.isTextual()
          || !MessageDigest.isEqual(clientState, state.asText().getBytes(StandardCharsets.UTF_8))) {
        LOG.warn("Connector {}: refused a change notification with a wrong clientState", instance);
        return text(403, "clientState does not match");
      }
    }
    Runnable trigger = syncNow.get();
    if (trigger != null) {
      trigger.run();
    }
    return text(202, "");
  }

  /** Starts triggering passes through {@code trigger}; closing stops it. */
  AutoCloseable attach(Runnable trigger) {
    syncNow.set(trigger);
    return () -> syncNow.compareAndSet(trigger, null);
  }

  private static Response text(int status, String body) {
    return new Response(status, "text/plain; charset=utf-8", body);
  }

  private static String queryParameter(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (name.equals(key)) {
        try {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return pair.substring(eq + 1);
        }
      }
    }
    return null;
  }
}
