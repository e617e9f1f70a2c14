package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.SyncContext;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds instances against a {@link FakeGraph}, and the clock and contexts the tests use. */
final class Fixture {

  static final String SECRET_ENV = "SP_SECRET";
  static final String STATE_ENV = "SP_CLIENT_STATE";
  static final String CLIENT_STATE = "client-state-canary-8812";

  private Fixture() {}

  static ConnectorSettings instance(FakeGraph fake, Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>();
    c.put("kind", "sharepoint");
    c.put("tenant", "acme");
    c.put("collection", "finance");
    c.put("acl", List.of("group:auditors"));
    c.put("authority", fake.base());
    c.put("graph", fake.graph());
    c.put("tenant-id", FakeGraph.TENANT);
    c.put("client-id", FakeGraph.CLIENT_ID);
    c.put("client-secret", "env:" + SECRET_ENV);
    c.put("client-state", "env:" + STATE_ENV);
    c.put("site", FakeGraph.HOST + ":" + FakeGraph.SITE_PATH);
    c.put("requests-per-minute", 1_000_000);
    c.put("initial-backoff", "50ms");
    c.put("allow-private-networks", true); // the fake Graph listens on loopback
    c.putAll(extra);
    return ConnectorSettings.fromConfig("finance-docs", ConfigFactory.parseMap(c));
  }

  static SharePointSource source(ConnectorSettings instance, String secret, Clock clock) {
    Map<String, String> env = Map.of(SECRET_ENV, secret, STATE_ENV, CLIENT_STATE);
    SharePointSettings settings = SharePointSettings.fromConfig(instance, env::get);
    return new SharePointSource(instance, settings, clock);
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2024-03-01T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** The process dies (kill -9) when the n-th document is about to be ingested. */
  static final class Killed extends RuntimeException {
    Killed() {
      super("kill -9");
    }
  }

  /** A {@link DryRunContext} that is killed at its n-th ingest. */
  static final class DyingContext implements SyncContext {
    final DryRunContext inner;
    private final int dieAt;
    private int ingests;

    DyingContext(DryRunContext inner, int dieAt) {
      this.inner = inner;
      this.dieAt = dieAt;
    }

    @Override
    public ConnectorSettings settings() {
      return inner.settings();
    }

    @Override
    public IngestResult ingest(SourceDocument document) {
      if (++ingests == dieAt) {
        throw new Killed();
      }
      return inner.ingest(document);
    }

    @Override
    public boolean delete(String sourceId) {
      return inner.delete(sourceId);
    }

    @Override
    public Set<String> sourceIds(String prefix) {
      return inner.sourceIds(prefix);
    }

    @Override
    public void publish(String type, String id, String subject, JsonNode data) {
      inner.publish(type, id, subject, data);
    }

    @Override
    public void checkpoint(String checkpoint) {
      inner.checkpoint(checkpoint);
    }

    @Override
    public String lastCheckpoint() {
      return inner.lastCheckpoint();
    }

    @Override
    public void throttled(Duration wait, String reason) {
      inner.throttled(wait, reason);
    }

    @Override
    public void itemFailed(String item, String reason) {
      inner.itemFailed(item, reason);
    }

    @Override
    public boolean stopping() {
      return inner.stopping();
    }
  }
}
