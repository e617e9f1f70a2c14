package io.tramontane.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundPolicyTest {

  static OutboundPolicy allowing(String... hosts) {
    return new OutboundPolicy(
        "test.http", List.of(hosts), true, 1024, 1024, Duration.ofSeconds(2), 0);
  }

  @Test
  void anEntryWithAPortAllowsThatPortOnly() {
    OutboundPolicy p = allowing("api.example.com:8443", "*.example.org", "[fd00::1]:9443");
    assertTrue(p.allows("api.example.com", 8443));
    assertFalse(p.allows("api.example.com", 443));
    assertTrue(p.allows("a.example.org", 443));
    assertTrue(p.allows("a.example.org", 9999), "no port in the entry: any port");
    assertFalse(p.allows("example.org", 443), "*.suffix does not match the suffix itself");
    assertTrue(p.allows("fd00::1", 9443));
    assertFalse(p.allows("fd00::1", 80));
  }

  @Test
  void malformedEntriesStopTheStartNamingTheKey() {
    for (String bad :
        List.of("http://api.example.com", "api.example.com:0", "[fd00::1]:99999", "a b")) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> allowing(bad));
      assertTrue(e.getMessage().contains("test.http.allowed-hosts"), e.getMessage());
    }
  }

  @Test
  void nonCanonicalAddressesAndOtherPortsAreRefusedBeforeAnyLookup() {
    List<String> looked = new java.util.ArrayList<>();
    OutboundHttp http =
        new OutboundHttp(
            allowing("2130706433", "127.0.0.1:1"),
            host -> {
              looked.add(host);
              return new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()};
            },
            (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
    for (String url : List.of("http://2130706433:1/", "http://127.0.0.1:2/")) {
      OutboundException e =
          assertThrows(
              OutboundException.class,
              () -> http.send(new OutboundHttp.Request("GET", URI.create(url), List.of(), null)));
      assertEquals(OutboundException.Kind.HOST_REFUSED, e.kind(), e.getMessage());
    }
    assertEquals(List.of(), looked);
  }
}
