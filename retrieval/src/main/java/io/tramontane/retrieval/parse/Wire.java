package io.tramontane.retrieval.parse;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.retrieval.chunk.Block;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The protocol between {@link DocumentParser} and {@link ParserWorker} over the worker's stdin and
 * stdout: length-prefixed frames (a 4-byte magic, a 4-byte length, the bytes). The worker sends a
 * {@link Ready} frame once Tika is loaded; then per document the parent sends a {@link Request}
 * frame and a frame of the document's bytes, and the worker answers one {@link Result} frame. All
 * but the document bytes are JSON.
 */
final class Wire {

  private static final int MAGIC = 0x54524d50; // "TRMP"
  static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  record Ready(boolean ready) {}

  record Request(String fileName, String contentTypeHint) {}

  record Result(
      String failure,
      String contentType,
      String title,
      String author,
      String created,
      String modified,
      List<Block> blocks,
      boolean truncated,
      List<String> warnings) {

    static Result of(ParseResult result) {
      return switch (result) {
        case ParseResult.Failed f ->
            new Result(f.reason(), null, null, null, null, null, List.of(), false, List.of());
        case ParseResult.Parsed p -> {
          ParsedDocument d = p.document();
          yield new Result(
              null,
              d.contentType(),
              d.title(),
              d.author(),
              d.created() == null ? null : d.created().toString(),
              d.modified() == null ? null : d.modified().toString(),
              d.blocks(),
              d.truncated(),
              d.warnings());
        }
      };
    }

    ParseResult toResult() {
      if (failure != null) {
        return new ParseResult.Failed(failure);
      }
      return new ParseResult.Parsed(
          new ParsedDocument(
              contentType,
              title,
              author,
              created == null ? null : Instant.parse(created),
              modified == null ? null : Instant.parse(modified),
              blocks == null ? List.of() : blocks,
              truncated,
              warnings == null ? List.of() : warnings));
    }
  }

  private Wire() {}

  static void write(DataOutputStream out, byte[] payload) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(payload.length);
    out.write(payload);
  }

  static void writeJson(DataOutputStream out, Object value) throws IOException {
    write(out, JSON.writeValueAsBytes(value));
  }

  /**
   * Reads one frame.
   *
   * @return the payload, or null at a clean end of stream before a frame
   */
  static byte[] read(DataInputStream in, long maxLength) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (magic != MAGIC) {
      throw new IOException("protocol error: unexpected bytes on the worker's stdout");
    }
    int length = in.readInt();
    if (length < 0 || length > maxLength) {
      throw new IOException("protocol error: frame of " + length + " bytes");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return payload;
  }
}
