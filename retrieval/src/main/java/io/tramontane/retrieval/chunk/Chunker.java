package io.tramontane.retrieval.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cuts a document's paragraphs into chunks that fit the embedding model, counted with the model's
 * own tokenizer ({@code fits}). Paragraphs stay whole when they fit, a chunk does not cross a
 * heading change, and each chunk after the first repeats the previous chunk's last paragraph when
 * that paragraph is short (the overlap), so a sentence at a boundary is findable from both sides. A
 * paragraph too long on its own is cut at sentence ends, and a sentence too long at word ends.
 */
public final class Chunker {

  private final Predicate<String> fits;
  private final Predicate<String> shortEnoughToRepeat;

  /**
   * @param fits true when a text fits the model's limit (e.g. {@code !countTokens(..).truncated()})
   * @param shortEnoughToRepeat true when a paragraph is small enough to be repeated as overlap
   */
  public Chunker(Predicate<String> fits, Predicate<String> shortEnoughToRepeat) {
    this.fits = fits;
    this.shortEnoughToRepeat = shortEnoughToRepeat;
  }

  public List<Piece> chunk(List<Block> blocks) {
    List<Piece> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    Block first = null;
    String overlap = null;
    for (Block block : blocks) {
      for (String part : fitting(block.text().strip())) {
        boolean sameSection = first != null && first.headings().equals(block.headings());
        if (first != null && (!sameSection || !fits.test(join(current, part)))) {
          out.add(piece(out.size(), current, first));
          String last = current.getLast();
          current = new ArrayList<>();
          overlap = sameSection && shortEnoughToRepeat.test(last) ? last : null;
          first = null;
        }
        if (first == null) {
          first = block;
          if (overlap != null && fits.test(join(List.of(overlap), part))) {
            current.add(overlap);
          }
          overlap = null;
        }
        current.add(part);
      }
    }
    if (first != null) {
      out.add(piece(out.size(), current, first));
    }
    return out;
  }

  private static Piece piece(int ordinal, List<String> parts, Block first) {
    return new Piece(
        ordinal, String.join("\n\n", parts), String.join(" > ", first.headings()), first.page());
  }

  private static String join(List<String> parts, String next) {
    List<String> all = new ArrayList<>(parts);
    all.add(next);
    return String.join("\n\n", all);
  }

  /** The paragraph itself if it fits, else sentence (then word) groups that each fit. */
  private List<String> fitting(String paragraph) {
    if (paragraph.isEmpty()) {
      return List.of();
    }
    if (fits.test(paragraph)) {
      return List.of(paragraph);
    }
    List<String> sentences = List.of(paragraph.split("(?<=[.!?])\\s+"));
    if (sentences.size() == 1) {
      sentences = List.of(paragraph.split("\\s+"));
      if (sentences.size() == 1) {
        return List.of(paragraph); // one enormous token run: the model truncates it, and says so
      }
      return greedy(sentences, " ");
    }
    List<String> out = new ArrayList<>();
    for (String group : greedy(sentences, " ")) {
      out.addAll(fits.test(group) ? List.of(group) : greedy(List.of(group.split("\\s+")), " "));
    }
    return out;
  }

  private List<String> greedy(List<String> units, String separator) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String u : units) {
      String candidate = current.isEmpty() ? u : current + separator + u;
      if (!current.isEmpty() && !fits.test(candidate)) {
        out.add(current.toString());
        current = new StringBuilder(u);
      } else {
        current = new StringBuilder(candidate);
      }
    }
    if (!current.isEmpty()) {
      out.add(current.toString());
    }
    return out;
  }
}
