package io.tramontane.connectors.email;

import io.tramontane.agents.tool.Tool;
import io.tramontane.connectors.ConnectorKind;
import io.tramontane.connectors.ConnectorResources;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncSource;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code imap} connector kind: one mailbox per instance ({@link ImapSource}), and when {@code
 * smtp} is configured the tools {@code mail.send} and {@code mail.reply} (names configurable with
 * {@code smtp.tool-prefix}). Both tools are side-effecting; put them under {@code approval} in
 * agent definitions.
 */
public final class ImapKind implements ConnectorKind {

  public static final String KIND = "imap";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public SyncSource source(ConnectorSettings settings, ConnectorResources resources) {
    return new ImapSource(
        settings, ImapSettings.fromConfig(settings, resources.env()), resources.clock());
  }

  @Override
  public List<Tool> tools(ConnectorSettings settings, ConnectorResources resources) {
    ImapSettings imap = ImapSettings.fromConfig(settings, resources.env());
    if (imap.smtp() == null) {
      return List.of();
    }
    Path dataDir =
        Path.of(resources.node().system().settings().config().getString("tramontane.data-dir"));
    return tools(settings, imap, ledgerFile(dataDir, settings.name()), resources);
  }

  static Path ledgerFile(Path dataDir, String instance) {
    return dataDir.resolve("connectors").resolve(instance).resolve("mail-sent.ledger");
  }

  static List<Tool> tools(
      ConnectorSettings settings, ImapSettings imap, Path ledger, ConnectorResources resources) {
    Outbox outbox = new Outbox(settings.name(), imap, new SentLedger(ledger), resources.clock());
    return List.of(new SendMailTool(outbox), new ReplyMailTool(outbox));
  }
}
