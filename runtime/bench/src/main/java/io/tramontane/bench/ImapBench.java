package io.tramontane.bench;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.email.ImapSettings;
import io.tramontane.connectors.email.ImapSource;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tramontane bench imap}: a first pass of the IMAP connector ({@link ImapSource}) over an
 * in-process GreenMail server on loopback into a {@link DryRunContext}: IMAP fetch, MIME reading
 * and event building, no parsing or indexing. The baseline, in the same run, is the same pass
 * fetching one message per round trip ({@code batch-size = 1}).
 */
@Command(
    name = "imap",
    mixinStandardHelpOptions = true,
    description = {
      "Messages/s of the IMAP connector's first pass over GreenMail on loopback (fetch and MIME"
          + " reading, no indexing), batch-size 100 against batch-size 1 in the same run."
    })
public final class ImapBench implements Callable<Integer> {

  static final String NAME = "imap";
  private static final String PASSWORD = "bench-imap-pw-7f3a";

  @Mixin BenchOptions options;

  /** One batch size's passes: messages/s of each measured pass (the warm-up pass not counted). */
  public record Row(int batchSize, int messages, List<Double> messagesPerSecond, double median) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      String bench, boolean quick, Machine machine, List<Row> rows, double ratio, double seconds) {}

  @Override
  public Integer call() {
    PrintWriter out = options.out();
    long started = System.nanoTime();
    int messages = options.quick ? 100 : 500;
    GreenMail mail =
        new GreenMail(
            ServerSetup.dynamicPort(
                new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)}));
    mail.start();
    try {
      GreenMailUser alice = mail.setUser("alice@example.com", "alice", PASSWORD);
      deliver(mail, alice, messages);
      out.printf("bench imap: %d messages in INBOX; measuring...%n", messages);
      out.flush();
      ConnectorSettings one = settings(mail.getImap().getPort(), 1);
      ConnectorSettings hundred = settings(mail.getImap().getPort(), 100);
      List<Row> rows =
          List.of(
              row(one, messages, options.quick ? 1 : 3),
              row(hundred, messages, options.quick ? 3 : 5));
      double ratio = rows.get(1).median() / rows.get(0).median();
      Machine machine = Machine.describe();
      Report report =
          new Report(
              NAME, options.quick, machine, rows, ratio, (System.nanoTime() - started) / 1e9);
      Table table =
          new Table(
              "IMAP first pass, " + messages + " messages (" + machine.line() + ")",
              "batch-size",
              "passes",
              "median messages/s",
              "vs batch-size 1");
      for (Row r : rows) {
        table.row(
            Integer.toString(r.batchSize()),
            Integer.toString(r.messagesPerSecond().size()),
            String.format("%.0f", r.median()),
            Table.ratio(r.median() / rows.get(0).median()));
      }
      table.note("IMAP fetch + MIME reading + event building into a dry run: no Tika, no index.");
      table.print(out);
      options.finish(NAME, report, report.seconds());
      return 0;
    } finally {
      mail.stop();
    }
  }

  /** {@code passes} full first passes (plus one warm-up); every pass must see every message. */
  private static Row row(ConnectorSettings settings, int messages, int passes) {
    ImapSettings imap = ImapSettings.fromConfig(settings, Map.of("MAIL_PASSWORD", PASSWORD)::get);
    List<Double> rates = new ArrayList<>();
    for (int pass = 0; pass <= passes; pass++) {
      DryRunContext context = new DryRunContext(settings);
      long t0 = System.nanoTime();
      new ImapSource(settings, imap, Clock.systemUTC()).sync(null, context);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (context.ingested().size() != messages) {
        throw new IllegalStateException(
            "a pass ingested " + context.ingested().size() + " of " + messages + " messages");
      }
      if (pass > 0) {
        rates.add(messages / seconds);
      }
    }
    List<Double> sorted = new ArrayList<>(rates);
    Collections.sort(sorted);
    return new Row(imap.batchSize(), messages, rates, sorted.get(sorted.size() / 2));
  }

  private static ConnectorSettings settings(int port, int batchSize) {
    String hocon =
        """
        kind = imap
        collection = mail
        host = "127.0.0.1"
        port = %d
        tls = none
        allow-plaintext = on
        username = alice
        password = "env:MAIL_PASSWORD"
        timeout = 10s
        batch-size = %d
        publish-existing = on
        """
            .formatted(port, batchSize);
    return ConnectorSettings.fromConfig("bench-mail", ConfigFactory.parseString(hocon));
  }

  private static void deliver(GreenMail mail, GreenMailUser user, int messages) {
    try {
      var inbox = mail.getManagers().getImapHostManager().getInbox(user);
      Session session = Session.getInstance(new Properties());
      for (int i = 0; i < messages; i++) {
        String raw =
            ("Message-ID: <bench"
                    + i
                    + "@example.com>\n"
                    + "From: bob@example.com\nTo: alice@example.com\nSubject: Bench "
                    + i
                    + "\n"
                    + "Content-Type: text/plain; charset=UTF-8\n\n"
                    + ("Line " + i + " of a small benchmark message.\n").repeat(20))
                .replace("\n", "\r\n");
        inbox.appendMessage(
            new MimeMessage(
                session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))),
            new Flags(),
            new Date());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot fill the bench mailbox: " + e.getMessage(), e);
    }
  }
}
