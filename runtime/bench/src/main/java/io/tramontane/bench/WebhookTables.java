package io.tramontane.bench;

import java.util.List;

/** The tables {@code bench webhook} prints: signed POSTs against bare GETs, per database. */
final class WebhookTables {

  private WebhookTables() {}

  static Table table(WebhookBench.Report r) {
    Table t =
        new Table(
            "P6 webhook — signed "
                + r.bodyBytes()
                + " B Standard Webhooks POST → dedup entity → journal → 202, wrk on loopback"
                + r.header().quickSuffix(),
            "run",
            "wrk -t/-c",
            "seconds",
            "requests",
            "req/s",
            "p50",
            "p99",
            "202",
            "other");
    for (WebhookBench.DatabaseRun run : r.databases()) {
      if (run.skipped() != null) {
        t.row(run.database(), "-", "-", "-", "skipped", "-", "-", "-", "-");
        continue;
      }
      row(t, run.database() + " · GET /health (baseline)", run.get(), false);
      row(t, run.database() + " · POST /hooks/" + WebhookBench.TRIGGER, run.post(), true);
      row(t, run.database() + " · POST, reduced load", run.reduced(), true);
    }
    for (WebhookBench.DatabaseRun run : r.databases()) {
      if (run.skipped() != null) {
        t.note(run.database() + ": skipped: " + run.skipped());
        continue;
      }
      String p = run.database() + ": ";
      t.note(
          p
              + "POST ÷ GET = "
              + Table.ratio(run.postOverGet())
              + " (target ≥ "
              + Table.ratio(r.targetRatio())
              + ": "
              + (run.postOverGet() >= r.targetRatio() ? "met" : "NOT met")
              + ")");
      Wrk.Run q = run.reduced();
      t.note(
          p
              + "p99 at reduced load ("
              + q.connections()
              + " connections, "
              + Table.rate(q.perSecond())
              + " req/s = "
              + String.format("%.0f%%", 100 * q.perSecond() / run.post().perSecond())
              + " of the max POST rate) = "
              + Table.millis(q.p99Ms())
              + " (target ≤ "
              + Table.millis(r.targetP99Ms())
              + " at half the max rate: "
              + (q.p99Ms() <= r.targetP99Ms() ? "met" : "NOT met")
              + ")");
      WebhookBench.JournalCheck j = run.journalCheck();
      t.note(
          p
              + "journal check: "
              + String.format("%,d", j.accepted())
              + " × 202 (incl. warm-up), "
              + String.format("%,d", j.acceptedFoundInJournal())
              + " of them in the journal: "
              + (j.ok() ? "match" : "MISMATCH — acknowledged deliveries are missing")
              + "; journal rows "
              + String.format("%,d", j.journalRows())
              + " (+"
              + (j.journalRows() - j.accepted())
              + " in flight when wrk stopped, persisted but not counted)");
      for (Wrk.Run w : List.of(run.get(), run.post(), run.reduced())) {
        if (w.ranOutOfRequests()) {
          t.note(p + "a wrk thread ran out of pre-signed requests; that run ended early.");
        }
        if (w.socketErrors() + w.timeouts() > 0) {
          t.note(
              p + w.socketErrors() + " socket errors, " + w.timeouts() + " timeouts in one run.");
        }
      }
    }
    t.note(
        "wrk latencies are closed-loop (no coordinated-omission correction); 'other' = any status but 202.");
    t.note(r.header().machine().line());
    return t;
  }

  static void row(Table t, String label, Wrk.Run w, boolean post) {
    t.row(
        label,
        w.threads() + "/" + w.connections(),
        String.format("%.1f", w.seconds()),
        String.format("%,d", w.requests()),
        Table.rate(w.perSecond()),
        Table.millis(w.p50Ms()),
        Table.millis(w.p99Ms()),
        post ? String.format("%,d", w.accepted()) : "-",
        post ? String.format("%,d", w.other()) : String.format("%,d", w.non2xx3xx()));
  }
}
