package io.tramontane.retrieval.parse;

import io.tramontane.retrieval.chunk.Block;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Temporary placeholder until the parsing branch merges: plain text only. */
public final class DocumentParser implements AutoCloseable {
  public static DocumentParser start(ParserSettings settings) {
    return new DocumentParser();
  }

  public ParseResult parse(byte[] content, String fileName, String contentTypeHint) {
    String text = new String(content, StandardCharsets.UTF_8);
    if (text.contains("\u0000")) {
      return new ParseResult.Failed("the file is not text");
    }
    List<Block> blocks = new ArrayList<>();
    List<String> headings = new ArrayList<>();
    for (String para : text.split("\n\\s*\n")) {
      String p = para.strip();
      if (p.startsWith("# ")) {
        headings = List.of(p.substring(2));
        continue;
      }
      if (!p.isEmpty()) {
        blocks.add(new Block(p, headings, 0));
      }
    }
    return new ParseResult.Parsed(
        new ParsedDocument("text/plain", fileName, null, null, null, blocks, false, List.of()));
  }

  @Override
  public void close() {}
}
