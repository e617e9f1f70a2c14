package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.intake.feed.DeliveryConsumer;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feed consumer sees every accepted delivery exactly once, in journal order, across a server
 * restart and across a failure of its own handler; consumers keep independent offsets.
 */
abstract class AbstractDeliveryFeedIT {

  abstract TestDatabase database(Path dataDir);

  static final String SEEN = "it_seen";

  @Test
  void consumerSeesEveryDeliveryExactlyOnceAcrossARestart(@TempDir Path dir) throws Exception {
    TestDatabase db = database(dir);
    List<String> sent = new ArrayList<>();
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    try (TestServer server = TestServer.start(db)) {
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE " + SEEN + " (delivery_id VARCHAR(200) NOT NULL, seq INT)");
      }
      sendOrders(server, sent, 5);
      String poisoned = sent.get(2);
      // Writes its row, then fails once on the third delivery: the row must roll back with it.
      DeliveryConsumer consumer =
          (tx, d) -> {
            insertSeen(tx, d.deliveryId());
            if (d.deliveryId().equals(poisoned) && failedOnce.add(poisoned)) {
              throw new IllegalStateException("injected failure after the write");
            }
          };
      io.tramontane.core.feed.JournalFeed.Subscription sub =
          server.server().deliveryFeed().subscribe("it-consumer", consumer);
      awaitSeen(db, 5);
      sub.stop();
      assertTrue(failedOnce.contains(poisoned), "the injected failure happened");
    }

    try (TestServer server = TestServer.start(db)) {
      sendOrders(server, sent, 3);
      io.tramontane.core.feed.JournalFeed.Subscription sub =
          server
              .server()
              .deliveryFeed()
              .subscribe("it-consumer", (tx, d) -> insertSeen(tx, d.deliveryId()));
      awaitSeen(db, 8);
      // One more delivery, consumed in journal order after those: once it is seen, any of them
      // re-delivered late would have been seen before it.
      sendOrders(server, sent, 1);
      awaitSeen(db, 9);
      sub.stop();

      Map<String, Integer> counts = seenCounts(db);
      assertEquals(Set.copyOf(sent), counts.keySet());
      counts.forEach((id, n) -> assertEquals(1, n, "delivery " + id + " seen " + n + " times"));
      assertEquals(sent, seenInOrder(db), "journal order");

      // A new consumer starts from the beginning, independently.
      Set<String> fresh = ConcurrentHashMap.newKeySet();
      io.tramontane.core.feed.JournalFeed.Subscription other =
          server
              .server()
              .deliveryFeed()
              .subscribe("it-other", (tx, d) -> fresh.add(d.deliveryId()));
      Await.until(
          "the new consumer saw every delivery",
          Duration.ofSeconds(20),
          () -> fresh.size() >= sent.size());
      other.stop();
      assertEquals(Set.copyOf(sent), fresh);
    }
  }

  private static void sendOrders(TestServer server, List<String> sent, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
      int status = server.send(server.signedOrder(id, "{\"i\":" + i + "}")).statusCode();
      assertEquals(202, status);
      sent.add(id);
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger SEQ =
      new java.util.concurrent.atomic.AtomicInteger();

  private static void insertSeen(Connection tx, String id) throws SQLException {
    try (PreparedStatement s =
        tx.prepareStatement("INSERT INTO " + SEEN + " (delivery_id, seq) VALUES (?, ?)")) {
      s.setString(1, id);
      s.setInt(2, SEQ.incrementAndGet());
      s.executeUpdate();
    }
  }

  private static void awaitSeen(TestDatabase db, int n) throws Exception {
    Await.until(
        "the consumer saw " + n + " deliveries",
        Duration.ofSeconds(30),
        () -> seenCounts(db).size(),
        seen -> seen >= n);
  }

  private static Map<String, Integer> seenCounts(TestDatabase db) throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT delivery_id FROM " + SEEN)) {
      while (rs.next()) {
        counts.merge(rs.getString(1), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static List<String> seenInOrder(TestDatabase db) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT delivery_id FROM " + SEEN + " ORDER BY seq")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
