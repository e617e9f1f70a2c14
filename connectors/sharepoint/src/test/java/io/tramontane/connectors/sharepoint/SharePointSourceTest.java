package io.tramontane.connectors.sharepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.SyncException;
import io.tramontane.core.event.EventTypes;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SharePoint source against {@link FakeGraph} on loopback: delta paging and checkpoints,
 * permissions, downloads, throttling and the RELIABILITY F5 faults, S2 permission revocation.
 */
class SharePointSourceTest {

  static final String DRIVE = "b!docs-7Hq";
  static final String ALICE = "a1b2c3d4-alice";
  static final String BOB = "b5b6b7b8-bob";

  @TempDir Path state;
  FakeGraph fake;
  Fixture.MutableClock clock;
  long seed;

  @BeforeEach
  void start() throws Exception {
    seed = Long.getLong("tests.seed", System.nanoTime());
    System.out.println("FakeGraph seed: " + seed + " (rerun with -Dtests.seed=" + seed + ")");
    fake = new FakeGraph(seed);
    fake.drive(DRIVE, "Documents");
    clock = new Fixture.MutableClock();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  ConnectorSettings instance() {
    return Fixture.instance(fake, Map.of());
  }

  SharePointSource source() {
    return Fixture.source(instance(), FakeGraph.SECRET, clock);
  }

  static String sid(String item) {
    return DRIVE + "/" + item;
  }

  static String text(SourceDocument d) {
    return new String(d.content(), StandardCharsets.UTF_8);
  }

  void files(int n) {
    for (int i = 1; i <= n; i++) {
      fake.file(DRIVE, "f" + i, "report-" + i + ".txt", "quarterly figures " + i);
      fake.grantUser(DRIVE, "f" + i, ALICE);
    }
  }

  @Test
  void firstPassTakesFilesWithTheirPermissionsAndSavesTheDeltaLinkAfterTheLastPage()
      throws Exception {
    fake.pageSize(2);
    fake.folder(DRIVE, "dir1", "Budgets");
    files(5);
    fake.grantGroup(DRIVE, "f1", "g-finance");
    fake.grantSiteGroup(DRIVE, "f1", "3");
    fake.anonymousLink(DRIVE, "f2");
    SharePointSource source = source();
    DryRunContext ctx = new DryRunContext(instance());

    String checkpoint = source.sync(null, ctx);

    Map<String, SourceDocument> docs = ctx.documents();
    assertEquals(
        Set.of(sid("f1"), sid("f2"), sid("f3"), sid("f4"), sid("f5")),
        docs.keySet(),
        "folders skipped");
    assertEquals("quarterly figures 3", text(docs.get(sid("f3"))));
    assertEquals(
        Set.of(
            "user:" + ALICE,
            "group:g-finance",
            "sharepoint-group:" + FakeGraph.SITE_ID + "/3",
            "group:auditors"),
        docs.get(sid("f1")).acl());
    assertEquals(
        Set.of("user:" + ALICE, "group:auditors"),
        docs.get(sid("f2")).acl(),
        "an anonymous link names nobody");
    assertEquals("report-1.txt", docs.get(sid("f1")).fileName());
    assertEquals("acme", docs.get(sid("f1")).tenant());
    // 4 pages (root, folder, 5 files at 2 a page): the deltaLink is saved once, after the last;
    // before the first, only the mark that the library's first enumeration is under way.
    assertEquals(List.of("{\"" + DRIVE + "\":\"\"}", checkpoint), ctx.checkpoints());
    JsonNode cp = GraphClient.JSON.readTree(checkpoint);
    assertTrue(cp.path(DRIVE).asText().contains("/root/delta?token="), checkpoint);
    assertEquals(1, fake.tokenCalls(), "one token for all requests");
    assertEquals(0, fake.downloadsWithAuthorization());
    List<FakeGraph.Request> downloads =
        fake.requests().stream().filter(r -> r.target().startsWith("/download/")).toList();
    assertEquals(5, downloads.size());
    assertTrue(downloads.stream().noneMatch(FakeGraph.Request::authorization));
    List<String> changed =
        ctx.events().stream()
            .filter(e -> e.type().equals(EventTypes.DOCUMENT_CHANGED))
            .map(DryRunContext.Published::id)
            .toList();
    assertTrue(changed.contains(sid("f1") + "@\"{f1},1\""), changed.toString());
    assertEquals(5, changed.size());

    // Nothing changed: nothing ingested.
    DryRunContext quiet = new DryRunContext(instance(), checkpoint);
    String unchanged = source.sync(checkpoint, quiet);
    assertEquals(List.of(), quiet.ingested());
    assertEquals(checkpoint, unchanged);

    // A change and a deletion; a deleted folder was never a document: no event for it.
    fake.file(DRIVE, "f3", "report-3.txt", "restated figures");
    fake.delete(DRIVE, "f4");
    fake.delete(DRIVE, "dir1");
    DryRunContext next = new DryRunContext(instance(), checkpoint, ctx.documents());
    source.sync(checkpoint, next);
    assertEquals(List.of(sid("f3")), next.ingested());
    assertEquals("restated figures", text(next.documents().get(sid("f3"))));
    assertEquals(Set.of(sid("f4"), sid("dir1")), Set.copyOf(next.deleted()));
    assertFalse(next.documents().containsKey(sid("f4")));
    List<DryRunContext.Published> deletedEvents = deletedEvents(next);
    assertEquals(List.of(sid("f4")), deletedEvents.stream().map(e -> e.subject()).toList());
    assertTrue(deletedEvents.getFirst().id().endsWith("#deleted"), deletedEvents.toString());

    // The same delta applied again (a pass repeated after a crash): the same event id, stored once.
    DryRunContext again = new DryRunContext(instance(), checkpoint, ctx.documents());
    source().sync(checkpoint, again);
    assertEquals(
        deletedEvents.stream().map(e -> e.id()).toList(),
        deletedEvents(again).stream().map(e -> e.id()).toList());
  }

  static List<DryRunContext.Published> deletedEvents(DryRunContext ctx) {
    return ctx.events().stream().filter(e -> e.type().equals(EventTypes.DOCUMENT_DELETED)).toList();
  }

  @Test
  void throttledCallsAreNeverRetriedBeforeRetryAfter() throws Exception {
    fake.pageSize(4);
    files(12);
    fake.throttle(0.20, 0.10, 1);
    fake.forceNext(429, 503); // whatever the seed, both kinds happen
    DryRunContext ctx = new DryRunContext(instance());

    source().sync(null, ctx);

    assertEquals(12, ctx.documents().size());
    List<FakeGraph.Request> log = fake.requests();
    long throttled = log.stream().filter(r -> r.status() == 429).count();
    long unavailable = log.stream().filter(r -> r.status() == 503).count();
    System.out.printf(
        "%d requests, %d answered 429 (Retry-After 1 s), %d answered 503%n",
        log.size(), throttled, unavailable);
    assertTrue(throttled > 0 && unavailable > 0, "seed " + seed + " injected no fault");
    for (int i = 0; i < log.size(); i++) {
      FakeGraph.Request r = log.get(i);
      if (r.status() != 429) {
        continue;
      }
      FakeGraph.Request retry = null;
      for (int j = i + 1; j < log.size() && retry == null; j++) {
        if (log.get(j).target().equals(r.target())) {
          retry = log.get(j);
        }
      }
      assertTrue(retry != null, "429 on " + r.target() + " was never retried");
      long waited = retry.receivedNanos() - r.respondedNanos();
      assertTrue(
          waited >= Duration.ofSeconds(r.retryAfterSeconds()).toNanos(),
          "retried " + r.target() + " after " + waited / 1_000_000 + " ms, before Retry-After");
    }
    assertTrue(
        ctx.waits().size() >= throttled + unavailable,
        "every wait is reported: " + ctx.waits().size());
  }

  @Test
  void theSameItemTwiceInOneDeltaLastWins() throws Exception {
    files(3);
    fake.duplicates(true);
    DryRunContext samePage = new DryRunContext(instance());
    source().sync(null, samePage);
    assertEquals("report-1.txt", samePage.documents().get(sid("f1")).fileName());
    assertEquals(1, samePage.ingested().stream().filter(sid("f1")::equals).count());

    // Across pages: applied in order, so the later occurrence is what stays.
    fake.pageSize(1);
    DryRunContext pages = new DryRunContext(instance());
    Fixture.source(Fixture.instance(fake, Map.of()), FakeGraph.SECRET, clock).sync(null, pages);
    assertEquals("report-1.txt", pages.documents().get(sid("f1")).fileName());
  }

  @Test
  void aPassKilledMidPagingResumesFromTheLastSavedDeltaLink() throws Exception {
    fake.pageSize(2);
    for (int i = 1; i <= 6; i++) {
      fake.file(DRIVE, "f" + i, "f" + i + ".txt", "v1 of " + i);
    }
    DryRunContext first = new DryRunContext(instance());
    String saved = source().sync(null, first);
    String savedLink = GraphClient.JSON.readTree(saved).path(DRIVE).asText();

    for (int i = 1; i <= 6; i++) {
      fake.file(DRIVE, "f" + i, "f" + i + ".txt", "v2 of " + i);
    }
    // Pages of 2 changes: killed at the first document of page 3.
    Fixture.DyingContext dying = new Fixture.DyingContext(new DryRunContext(instance(), saved), 5);
    assertThrows(Fixture.Killed.class, () -> source().sync(saved, dying));
    assertEquals(List.of(), dying.inner.checkpoints(), "no deltaLink saved mid-drive");
    assertEquals(saved, dying.lastCheckpoint());

    fake.clearRequests();
    DryRunContext resumed = new DryRunContext(instance(), dying.lastCheckpoint());
    source().sync(resumed.lastCheckpoint(), resumed); // a new source: the process restarted
    FakeGraph.Request firstDelta =
        fake.requests().stream().filter(r -> r.target().contains("/root/delta")).findFirst().get();
    assertTrue(
        savedLink.endsWith(firstDelta.target().substring(firstDelta.target().indexOf("/root"))),
        "resumed from " + firstDelta.target() + ", not from the saved " + savedLink);
    assertEquals(6, resumed.ingested().size());
    for (int i = 1; i <= 6; i++) {
      assertEquals("v2 of " + i, text(resumed.documents().get(sid("f" + i))));
    }
    assertEquals(1, resumed.checkpoints().size());
  }

  @Test
  void anExpiredDeltaLinkLeadsToAFullEnumerationThatDeletesWhatDisappeared() throws Exception {
    files(4);
    DryRunContext first = new DryRunContext(instance());
    String saved = source().sync(null, first);

    fake.vanish(DRIVE, "f2"); // gone without a trace in the change history
    fake.file(DRIVE, "f5", "report-5.txt", "new");
    fake.expireDeltaTokens(DRIVE);
    fake.clearRequests();

    // The collection as the first pass left it answers which documents the drive had.
    DryRunContext resync = new DryRunContext(instance(), saved, first.documents());
    String after = source().sync(saved, resync);

    assertTrue(fake.requests().stream().anyMatch(r -> r.status() == 410));
    assertEquals(List.of(sid("f2")), resync.deleted());
    assertTrue(resync.ingested().contains(sid("f5")));
    assertTrue(
        resync.events().stream()
            .anyMatch(
                e ->
                    e.type().equals(EventTypes.DOCUMENT_DELETED) && e.subject().equals(sid("f2"))));
    assertFalse(after.equals(saved));

    fake.clearRequests();
    DryRunContext later = new DryRunContext(instance(), after, resync.documents());
    source().sync(after, later);
    assertTrue(fake.requests().stream().noneMatch(r -> r.status() == 410), "the new link works");
    assertEquals(List.of(), later.ingested());
  }

  /**
   * Issue 8: the sync entity fails over to another node. Files removed while nobody watched (gone
   * from the change history, the delta token expired meanwhile) are still deleted there, although
   * that node never ran a pass: the documents to reconcile come from the collection — the shared
   * document log — not from a file on the node that ran the earlier passes.
   */
  @Test
  void afterFailoverAFreshNodeReconcilesA410AgainstTheCollection() throws Exception {
    files(5);
    fake.pageSize(2);
    // Node A, configured as before the fix (a state-dir of its own): still accepted, never written.
    ConnectorSettings onA = Fixture.instance(fake, Map.of("state-dir", state.toString()));
    DryRunContext first = new DryRunContext(onA);
    String saved = Fixture.source(onA, FakeGraph.SECRET, clock).sync(null, first);
    Map<String, SourceDocument> collection = first.documents(); // the shared log's view
    // Node A is gone. Two files vanish, one is added, the delta token expires.
    fake.vanish(DRIVE, "f2");
    fake.vanish(DRIVE, "f4");
    fake.file(DRIVE, "f6", "report-6.txt", "new");
    fake.expireDeltaTokens(DRIVE);

    // Node B: a new source, no state of its own, the checkpoint the entity persisted.
    ConnectorSettings onB = Fixture.instance(fake, Map.of());
    DryRunContext resync = new DryRunContext(onB, saved, collection);
    String after = Fixture.source(onB, FakeGraph.SECRET, clock).sync(saved, resync);

    assertTrue(fake.requests().stream().anyMatch(r -> r.status() == 410));
    assertEquals(Set.of(sid("f2"), sid("f4")), Set.copyOf(resync.deleted()));
    assertEquals(Set.of(sid("f1"), sid("f3"), sid("f5"), sid("f6")), resync.documents().keySet());
    assertEquals(
        Set.of(sid("f2"), sid("f4")),
        deletedEvents(resync).stream().map(e -> e.subject()).collect(Collectors.toSet()));
    try (var left = java.nio.file.Files.list(state)) {
      assertEquals(List.of(), left.toList(), "nothing is kept on a node's disk");
    }
    assertFalse(after.equals(saved));
  }

  @Test
  void aLibraryDroppedBeforeItsFirstEnumerationEndedIsStillCleanedUp() throws Exception {
    files(1);
    fake.drive("b!archive", "Archive");
    for (int i = 1; i <= 3; i++) {
      fake.file("b!archive", "a" + i, "old-" + i + ".txt", "old " + i);
    }
    fake.pageSize(1);
    // Killed at the third document: the first library done, the second one's first pass half way.
    Fixture.DyingContext dying = new Fixture.DyingContext(new DryRunContext(instance()), 3);
    assertThrows(Fixture.Killed.class, () -> source().sync(null, dying));
    Map<String, SourceDocument> collection = dying.inner.documents();
    assertEquals(Set.of(sid("f1"), "b!archive/a1"), collection.keySet());
    String cp = dying.lastCheckpoint();
    assertEquals("", GraphClient.JSON.readTree(cp).path("b!archive").asText(null), cp);

    ConnectorSettings onlyDocs = Fixture.instance(fake, Map.of("drives", List.of("Documents")));
    DryRunContext next = new DryRunContext(onlyDocs, cp, collection);
    String after = Fixture.source(onlyDocs, FakeGraph.SECRET, clock).sync(cp, next);
    assertEquals(List.of("b!archive/a1"), next.deleted());
    assertEquals(Set.of(sid("f1")), next.documents().keySet());
    assertEquals(Set.of(DRIVE), iterable(GraphClient.JSON.readTree(after).fieldNames()));
  }

  @Test
  void aRevokedPermissionLeavesTheAclAfterOneDeltaCycle() throws Exception {
    files(2);
    fake.grantUser(DRIVE, "f1", BOB);
    SharePointSource source = source();
    DryRunContext first = new DryRunContext(instance());
    String saved = source.sync(null, first);
    assertTrue(first.documents().get(sid("f1")).acl().contains("user:" + BOB));

    fake.revokeUser(DRIVE, "f1", BOB);
    DryRunContext next = new DryRunContext(instance(), saved);
    source.sync(saved, next);

    assertEquals(List.of(sid("f1")), next.ingested());
    Set<String> acl = next.documents().get(sid("f1")).acl();
    assertFalse(acl.contains("user:" + BOB), acl.toString());
    assertTrue(acl.contains("user:" + ALICE), acl.toString());
  }

  @Test
  void theTokenIsCachedAndFetchedAgainWhenExpiredOrRefused() throws Exception {
    files(10);
    SharePointSource source = source();
    String cp = source.sync(null, new DryRunContext(instance()));
    assertEquals(1, fake.tokenCalls());
    assertTrue(fake.requests().size() > 20);

    fake.file(DRIVE, "f1", "report-1.txt", "changed");
    clock.advance(Duration.ofMinutes(59)); // within a minute of expires_in=3599
    cp = source.sync(cp, new DryRunContext(instance(), cp));
    assertEquals(2, fake.tokenCalls());

    fake.revokeTokens();
    fake.file(DRIVE, "f2", "report-2.txt", "changed");
    DryRunContext ctx = new DryRunContext(instance(), cp);
    source.sync(cp, ctx);
    assertEquals(3, fake.tokenCalls());
    assertEquals(List.of(sid("f2")), ctx.ingested());
  }

  @Test
  void aWrongSecretFailsWithAMessageNamingTheAppButNotTheSecret() {
    files(1);
    String wrong = "wrong-secret-canary-5531";
    SharePointSource source = Fixture.source(instance(), wrong, clock);
    SyncException e =
        assertThrows(SyncException.class, () -> source.sync(null, new DryRunContext(instance())));
    String m = e.getMessage();
    assertTrue(m.contains(FakeGraph.CLIENT_ID) && m.contains(FakeGraph.TENANT), m);
    assertTrue(m.contains("client-secret") && m.contains("env:" + Fixture.SECRET_ENV), m);
    assertFalse(m.contains(wrong), m);
    assertFalse(m.contains(FakeGraph.SECRET), m);
  }

  @Test
  void anUnknownSiteOrLibraryOrAMissingPermissionSaysWhatToFix() {
    ConnectorSettings noSite =
        Fixture.instance(fake, Map.of("site", FakeGraph.HOST + ":/sites/nope"));
    SyncException e =
        assertThrows(
            SyncException.class,
            () ->
                Fixture.source(noSite, FakeGraph.SECRET, clock)
                    .sync(null, new DryRunContext(noSite)));
    assertTrue(e.getMessage().contains("/sites/nope") && e.getMessage().contains("not found"));

    ConnectorSettings noDrive = Fixture.instance(fake, Map.of("drives", List.of("Archive")));
    e =
        assertThrows(
            SyncException.class,
            () ->
                Fixture.source(noDrive, FakeGraph.SECRET, clock)
                    .sync(null, new DryRunContext(noDrive)));
    assertTrue(e.getMessage().contains("'Archive'") && e.getMessage().contains("Documents"));

    fake.forbidden(true);
    e = assertThrows(SyncException.class, () -> source().sync(null, new DryRunContext(instance())));
    assertTrue(e.getMessage().contains("Sites.Read.All"), e.getMessage());
    assertTrue(e.getMessage().contains(FakeGraph.CLIENT_ID), e.getMessage());
  }

  @Test
  void aLibraryNoLongerSelectedHasItsDocumentsDeleted() throws Exception {
    fake.drive("b!archive", "Archive");
    fake.file("b!archive", "a1", "old.txt", "old");
    files(1);
    DryRunContext first = new DryRunContext(instance());
    String cp = source().sync(null, first);
    assertEquals(Set.of(sid("f1"), "b!archive/a1"), first.documents().keySet());
    assertEquals(Set.of(DRIVE, "b!archive"), iterable(GraphClient.JSON.readTree(cp).fieldNames()));

    ConnectorSettings onlyDocs = Fixture.instance(fake, Map.of("drives", List.of("documents")));
    DryRunContext next = new DryRunContext(onlyDocs, cp, first.documents());
    String after = Fixture.source(onlyDocs, FakeGraph.SECRET, clock).sync(cp, next);
    assertEquals(List.of("b!archive/a1"), next.deleted());
    assertEquals(Set.of(DRIVE), iterable(GraphClient.JSON.readTree(after).fieldNames()));
  }

  private static Set<String> iterable(java.util.Iterator<String> it) {
    Iterable<String> i = () -> it;
    return java.util.stream.StreamSupport.stream(i.spliterator(), false)
        .collect(Collectors.toSet());
  }
}
