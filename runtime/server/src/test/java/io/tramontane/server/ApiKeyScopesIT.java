package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key that names a scope no route asks for is a typo: the node refuses to start and says which
 * key, which scope and what the scopes are, before anything starts, rather than answering 403 to
 * that key later.
 */
class ApiKeyScopesIT {

  /**
   * Starts a node with one API key {@code id} whose settings are {@code settings} plus a valid key
   * file; returns the refusal's message, and checks that nothing started before it.
   */
  static String refusedAtStart(Path dir, String id, Map<String, Object> settings) throws Exception {
    Files.writeString(dir.resolve("typo.key"), "typo-key-0123456789abcdef0123456789");
    Map<String, Object> key = new java.util.HashMap<>(settings);
    key.put("key", "file:" + dir.resolve("typo.key"));
    Map<String, Object> extra = Map.of("tramontane.server.api-keys." + id, key);
    ConfigurationException refused =
        assertThrows(
            ConfigurationException.class,
            () -> TestServer.start(TestDatabase.h2(dir.resolve("data")), extra).close());
    // Refused before the node started: no journal, no lock in the data directory.
    Path data = dir.resolve("data");
    assertTrue(
        !Files.exists(data) || Files.list(data).findAny().isEmpty(),
        "the node started before the key was refused: "
            + (Files.exists(data) ? Files.list(data).toList() : ""));
    return refused.getMessage();
  }

  @Test
  void aMisspelledSettingOfAKeyStopsTheNodeAtStart(@TempDir Path dir) throws Exception {
    String message =
        refusedAtStart(
            dir,
            "front",
            Map.of(
                "tenant",
                "acme",
                "scopes",
                List.of("documents:read", "principals:assert"),
                "principal",
                List.of("alice")));
    assertTrue(message.contains("tramontane.server.api-keys.front.principal "), message);
    assertTrue(message.contains("principals"), message);
  }

  @Test
  void aMisspelledScopeStopsTheNodeAtStart(@TempDir Path dir) throws Exception {
    String message =
        refusedAtStart(
            dir, "typo", Map.of("tenant", "acme", "scopes", List.of("agents:use", "agents:raed")));
    assertTrue(message.contains("tramontane.server.api-keys.typo.scopes"), message);
    assertTrue(message.contains("'agents:raed'"), message);
    assertTrue(message.contains("agents:read"), message);
  }
}
