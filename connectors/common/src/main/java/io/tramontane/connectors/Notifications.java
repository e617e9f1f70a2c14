package io.tramontane.connectors;

/**
 * A source's change-notification endpoint ({@code POST /connectors/{name}/notifications}), for
 * sources that push changes (Microsoft Graph subscriptions). The caller is not authenticated by an
 * API key: the handler verifies the request itself (a shared client state, a signature) and answers
 * what the protocol expects.
 */
@FunctionalInterface
public interface Notifications {

  /** What to answer. */
  record Reply(int status, String contentType, String body) {}

  /** Handles one request: its raw query string (may be null) and body. Must be fast. */
  Reply handle(String rawQuery, byte[] body);
}
