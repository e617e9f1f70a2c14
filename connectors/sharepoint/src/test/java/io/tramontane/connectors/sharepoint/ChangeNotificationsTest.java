package io.tramontane.connectors.sharepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Graph's webhook handshake and the clientState check, as the server's route will call them. */
class ChangeNotificationsTest {

  static byte[] batch(String clientState) {
    // Shape of a Graph change notification for a drive (docs: "change notifications for
    // driveItem").
    return ("""
        {"value":[{"subscriptionId":"f8b8a7a9-0b0f-4b35-8f1a-1b2c3d4e5f60",
          "subscriptionExpirationDateTime":"2024-03-30T11:00:00.0000000-07:00",
          "clientState":"%s","changeType":"updated","resource":"drives/b!docs/root",
          "tenantId":"7f3c1a52-tenant","resourceData":null}]}
        """)
        .formatted(clientState)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theValidationTokenIsEchoedAsPlainText() {
    ChangeNotifications n = new ChangeNotifications("finance-docs", "s3cret");
    ChangeNotifications.Response r =
        n.handle(
            "validationToken=Validation%3A+Testing+client+application+reachability+for+subscription",
            new byte[0]);
    assertEquals(200, r.status());
    assertEquals("text/plain; charset=utf-8", r.contentType());
    assertEquals("Validation: Testing client application reachability for subscription", r.body());
  }

  @Test
  void aMatchingClientStateTriggersAPassAndAWrongOneDoesNot() throws Exception {
    ChangeNotifications n = new ChangeNotifications("finance-docs", "s3cret");
    AtomicInteger passes = new AtomicInteger();
    AutoCloseable watching = n.attach(passes::incrementAndGet);

    assertEquals(202, n.handle(null, batch("s3cret")).status());
    assertEquals(1, passes.get());

    assertEquals(403, n.handle("", batch("guess")).status());
    assertEquals(
        403, n.handle("", "{\"value\":[{\"changeType\":\"updated\"}]}".getBytes()).status());
    assertEquals(400, n.handle("", "{\"value\":[]}".getBytes()).status());
    assertEquals(400, n.handle("", "not json".getBytes()).status());
    assertEquals(1, passes.get(), "refused notifications trigger nothing");

    watching.close();
    assertEquals(202, n.handle(null, batch("s3cret")).status());
    assertEquals(1, passes.get(), "not watching: acknowledged, no pass");
  }

  @Test
  void withoutAConfiguredClientStateEveryNotificationIsRefused() {
    ChangeNotifications n = new ChangeNotifications("finance-docs", null);
    AtomicInteger passes = new AtomicInteger();
    n.attach(passes::incrementAndGet);
    assertEquals(403, n.handle(null, batch("")).status());
    assertEquals(0, passes.get());
    assertEquals(200, n.handle("validationToken=abc", null).status());
  }

  @Test
  void theSourceHandsItsSyncNowToTheNotifications() throws Exception {
    try (FakeGraph fake = new FakeGraph(1)) {
      SharePointSource source =
          Fixture.source(
              Fixture.instance(fake, java.util.Map.of()),
              FakeGraph.SECRET,
              java.time.Clock.systemUTC());
      AtomicInteger passes = new AtomicInteger();
      try (AutoCloseable w = source.watch(passes::incrementAndGet)) {
        assertEquals(
            202, source.notifications().handle(null, batch(Fixture.CLIENT_STATE)).status());
      }
      assertEquals(1, passes.get());
    }
  }
}
