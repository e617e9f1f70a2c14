package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mistakes in an instance block stop the node with a message naming the key. */
class ConnectorsTest {

  static final ConnectorKind FOLDERS =
      new ConnectorKind() {
        @Override
        public String kind() {
          return "filesystem";
        }

        @Override
        public SyncSource source(ConnectorSettings settings, ConnectorResources resources) {
          return (checkpoint, context) -> checkpoint;
        }
      };

  static ConfigurationException refused(String hocon) {
    return assertThrows(
        ConfigurationException.class,
        () ->
            Connectors.start(
                new ConnectorResources(null, null, null, k -> null, Clock.systemUTC()),
                ConfigFactory.parseString(hocon),
                List.of(FOLDERS)));
  }

  @Test
  void anUnknownKindNamesTheKeyAndTheKnownKinds() {
    var e = refused("tramontane.connectors.mail { kind = imapp, collection = inbox }");
    assertTrue(e.getMessage().contains("tramontane.connectors.mail.kind"), e.getMessage());
    assertTrue(e.getMessage().contains("'imapp'"), e.getMessage());
    assertTrue(e.getMessage().contains("known: filesystem"), e.getMessage());
  }

  @Test
  void missingKeysAndBadNamesAreNamed() {
    var noCollection = refused("tramontane.connectors.docs { kind = filesystem }");
    assertTrue(
        noCollection.getMessage().contains("tramontane.connectors.docs.collection is required"),
        noCollection.getMessage());
    var badTenant =
        refused(
            "tramontane.connectors.docs { kind = filesystem, collection = d, tenant = \"a b\" }");
    assertTrue(
        badTenant.getMessage().contains("tramontane.connectors.docs.tenant"),
        badTenant.getMessage());
    var notABlock = refused("tramontane.connectors.docs = filesystem");
    assertTrue(notABlock.getMessage().contains("must be a block"), notABlock.getMessage());
  }
}
