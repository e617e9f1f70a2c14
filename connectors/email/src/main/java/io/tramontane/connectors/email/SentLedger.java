package io.tramontane.connectors.email;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A durable record of outbound mail by idempotency key, so a re-issued tool call never sends twice:
 * one line per state change ({@code PENDING} before the SMTP transaction, then {@code SENT} or
 * {@code FAILED}), appended and forced to disk before the step it records goes on. Keys are stored
 * as SHA-256 hashes. A key left {@code PENDING} means the node stopped during the transaction: the
 * mail may or may not have gone out.
 *
 * <p>The ledger is local to the node's data directory ({@code
 * <data-dir>/connectors/<instance>/mail-sent.ledger}); across nodes, the Sent-folder lookup by the
 * deterministic Message-ID ({@link Outbox}) is what recognises an earlier send.
 */
final class SentLedger {

  enum State {
    PENDING,
    SENT,
    FAILED
  }

  /** A key's last state and the Message-ID it was sent with. */
  record Entry(State state, String messageId) {}

  private final Path file;
  private final Map<String, Entry> entries = new HashMap<>();

  SentLedger(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
          String[] f = line.split(" ", 3);
          if (f.length == 3) {
            try {
              entries.put(f[1], new Entry(State.valueOf(f[0]), f[2]));
            } catch (IllegalArgumentException torn) {
              // a line torn by a crash: the state before it stands
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the sent-mail ledger " + file + "; check tramontane.data-dir is writable",
          e);
    }
  }

  synchronized Entry get(String key) {
    return entries.get(ImapSource.sha256(key));
  }

  synchronized void record(String key, State state, String messageId) {
    String hash = ImapSource.sha256(key);
    byte[] line = (state + " " + hash + " " + messageId + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sent-mail ledger " + file, e);
    }
    entries.put(hash, new Entry(state, messageId));
  }
}
