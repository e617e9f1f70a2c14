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

  @Test
  void aMisspelledSettingOfAKeyStopsTheNodeAtStart(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("typo.key"), "typo-key-0123456789abcdef0123456789");
    Map<String, Object> extra =
        Map.of(
            "tramontane.server.api-keys.front",
            Map.of(
                "tenant",
                "acme",
                "scopes",
                List.of("documents:read", "principals:assert"),
                "principal",
                List.of("alice"),
                "key",
                "file:" + dir.resolve("typo.key")));
    ConfigurationException refused =
        assertThrows(
            ConfigurationException.class,
            () -> TestServer.start(TestDatabase.h2(dir.resolve("data")), extra).close());
    String message = refused.getMessage();
    assertTrue(message.contains("tramontane.server.api-keys.front.principal "), message);
    assertTrue(message.contains("principals"), message);
  }

  @Test
  void aMisspelledScopeStopsTheNodeAtStart(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("typo.key"), "typo-key-0123456789abcdef0123456789");
    Map<String, Object> extra =
        Map.of(
            "tramontane.server.api-keys.typo",
            Map.of(
                "tenant",
                "acme",
                "scopes",
                List.of("agents:use", "agents:raed"),
                "key",
                "file:" + dir.resolve("typo.key")));
    ConfigurationException refused =
        assertThrows(
            ConfigurationException.class,
            () -> TestServer.start(TestDatabase.h2(dir.resolve("data")), extra).close());
    String message = refused.getMessage();
    assertTrue(message.contains("tramontane.server.api-keys.typo.scopes"), message);
    assertTrue(message.contains("'agents:raed'"), message);
    assertTrue(message.contains("agents:read"), message);
    // Refused before the node started: no journal, no lock in the data directory.
    Path data = dir.resolve("data");
    assertTrue(
        !Files.exists(data) || Files.list(data).findAny().isEmpty(),
        "the node started before the key was refused: "
            + (Files.exists(data) ? Files.list(data).toList() : ""));
  }
}
