package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An instance's keys over the defaults of reference.conf, which an operator may change. */
class ConnectorSettingsTest {

  static Config block(String hocon) {
    return ConfigFactory.parseString(hocon);
  }

  @Test
  void anInstanceWithOnlyItsRequiredKeysGetsTheReferenceDefaults() {
    ConnectorSettings s =
        ConnectorSettings.fromConfig("docs", block("kind = filesystem, collection = docs"));
    assertEquals("default", s.tenant());
    assertEquals(Duration.ofMinutes(5), s.interval());
    assertEquals(Set.of(), s.acl());
    assertFalse(s.publicToTenant());
    assertFalse(s.paused());
  }

  @Test
  void anOperatorChangesADefaultForEveryInstanceAndAnInstanceKeyStillWins() {
    Config root =
        ConfigFactory.parseString(
                "tramontane.connector-defaults.common { interval = 90s, tenant = acme }")
            .withFallback(ConfigFactory.defaultReference());
    ConnectorSettings plain =
        ConnectorSettings.fromConfig("docs", block("kind = filesystem, collection = docs"), root);
    assertEquals(Duration.ofSeconds(90), plain.interval());
    assertEquals("acme", plain.tenant());
    ConnectorSettings own =
        ConnectorSettings.fromConfig(
            "docs", block("kind = filesystem, collection = docs, interval = 10m"), root);
    assertEquals(Duration.ofMinutes(10), own.interval());
  }

  @Test
  void aKindsDefaultsComeBeforeTheCommonOnes() {
    Config root =
        ConfigFactory.parseString(
                "tramontane.connector-defaults.special { interval = 2m, extra = 7 }")
            .withFallback(ConfigFactory.defaultReference());
    ConnectorSettings s =
        ConnectorSettings.fromConfig("docs", block("kind = special, collection = docs"), root);
    assertEquals(Duration.ofMinutes(2), s.interval());
    assertEquals(7, s.config().getInt("extra"));
    assertTrue(s.config().hasPath("paused"), "the common defaults still apply");
  }

  @Test
  void aBadValueNamesTheInstanceKey() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                ConnectorSettings.fromConfig(
                    "docs", block("kind = filesystem, collection = docs, interval = soon")));
    assertTrue(e.getMessage().startsWith("tramontane.connectors.docs"), e.getMessage());
  }
}
