package io.tramontane.connectors.email;

import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test (tag {@code bench}, excluded from the build): sync throughput of {@link
 * ImapSource} against GreenMail on loopback into a {@link DryRunContext}. It measures IMAP fetch +
 * MIME reading + event building, not indexing (no Tika, no embedding). Prints a table; asserts
 * nothing about time. Run with:
 *
 * <pre>
 * ./mvnw -o -pl connectors/email -am verify -Dtramontane.email.excluded-groups=none \
 *   -Dit.test=ImapSyncBenchIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("bench")
class ImapSyncBenchIT {

  @Test
  void throughput() throws Exception {
    int messages = 500;
    try (Mailboxes boxes = new Mailboxes()) {
      for (int i = 0; i < messages; i++) {
        boxes.deliver(
            "INBOX",
            Mailboxes.text(
                "<bench" + i + "@example.com>",
                "Bench " + i,
                ("Line " + i + " of a small benchmark message.\n").repeat(20)));
      }
      StringBuilder table = new StringBuilder();
      table.append(
          String.format("%-28s %8s %10s %12s%n", "run", "messages", "seconds", "messages/s"));
      List<Double> rates = new ArrayList<>();
      for (String batch : List.of("1", "100")) {
        int runs = batch.equals("1") ? 2 : 4; // one round trip per message is slow: fewer runs
        for (int run = 0; run < runs; run++) {
          ConnectorSettings settings =
              boxes.settings("batch-size = " + batch + "\npublish-existing = on");
          DryRunContext ctx = new DryRunContext(settings);
          long t0 = System.nanoTime();
          boxes.source(settings).sync(null, ctx);
          double s = (System.nanoTime() - t0) / 1e9;
          if (ctx.ingested().size() != messages) {
            throw new IllegalStateException("ingested " + ctx.ingested().size());
          }
          String name = "batch-size " + batch + (run == 0 ? " (warm-up)" : " run " + run);
          table.append(String.format("%-28s %8d %10.2f %12.0f%n", name, messages, s, messages / s));
          if (run > 0 && batch.equals("100")) {
            rates.add(messages / s);
          }
        }
      }
      Collections.sort(rates);
      table.append(
          String.format(
              "median (batch-size 100): %.0f messages/s (IMAP fetch + MIME, no indexing)%n",
              rates.get(rates.size() / 2)));
      System.out.print(table);
    }
  }
}
