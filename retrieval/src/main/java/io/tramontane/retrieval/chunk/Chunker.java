package io.tramontane.retrieval.chunk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Cuts a document's paragraphs into chunks that fit the embedding model, counted with the model's
 * own tokenizer. Paragraphs stay whole when they fit, a chunk does not cross a heading change, and
 * each chunk after the first repeats the previous chunk's last paragraph when that paragraph is
 * short (the overlap), so a sentence at a boundary is findable from both sides. A paragraph too
 * long on its own is cut at sentence ends, and a sentence too long at word ends.
 *
 * <p>{@link #counting} measures each paragraph (sentence, word) once and adds the counts: the
 * tokenizer splits at whitespace first, so a joined text has at most the sum of its parts' tokens,
 * and every chunk still fits. That keeps chunking linear in the document's length; re-measuring the
 * growing chunk for each paragraph made it quadratic (P2 measured 28 s of a 30 s text path in it).
 */
public final class Chunker {

  /** Whether parts joined by a separator fit the model. */
  private interface Measure {
    boolean fits(List<String> parts, String separator);

    boolean shortEnoughToRepeat(String part);
  }

  private final java.util.function.Supplier<Measure> measures;

  private Chunker(java.util.function.Supplier<Measure> measures) {
    this.measures = measures;
  }

  /**
   * A chunker that measures whole candidate texts (exact, but quadratic on long documents).
   *
   * @param fits true when a text fits the model's limit (e.g. {@code !countTokens(..).truncated()})
   * @param shortEnoughToRepeat true when a paragraph is small enough to be repeated as overlap
   */
  public Chunker(Predicate<String> fits, Predicate<String> shortEnoughToRepeat) {
    this(
        () ->
            new Measure() {
              @Override
              public boolean fits(List<String> parts, String separator) {
                return fits.test(String.join(separator, parts));
              }

              @Override
              public boolean shortEnoughToRepeat(String part) {
                return shortEnoughToRepeat.test(part);
              }
            });
  }

  /**
   * A chunker that counts each part once and adds the counts.
   *
   * @param tokens a text's token count with the model's tokenizer (special tokens included); any
   *     value above {@code maxTokens} for a text the model would truncate
   * @param maxTokens the model's limit
   * @param overlapTokens a paragraph at most this long is repeated as overlap
   */
  public static Chunker counting(ToIntFunction<String> tokens, int maxTokens, int overlapTokens) {
    return new Chunker(
        () -> {
          Map<String, Integer> memo = new HashMap<>();
          ToIntFunction<String> count = t -> memo.computeIfAbsent(t, tokens::applyAsInt);
          return new Measure() {
            @Override
            public boolean fits(List<String> parts, String separator) {
              if (parts.size() == 1) {
                return count.applyAsInt(parts.getFirst()) <= maxTokens;
              }
              long sum = 0;
              for (String p : parts) {
                sum += count.applyAsInt(p);
                if (sum > maxTokens) {
                  return false;
                }
              }
              return true;
            }

            @Override
            public boolean shortEnoughToRepeat(String part) {
              return count.applyAsInt(part) <= overlapTokens;
            }
          };
        });
  }

  public List<Piece> chunk(List<Block> blocks) {
    Measure measure = measures.get();
    List<Piece> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    Block first = null;
    String overlap = null;
    for (Block block : blocks) {
      for (String part : fitting(measure, block.text().strip())) {
        boolean sameSection = first != null && first.headings().equals(block.headings());
        if (first != null && (!sameSection || !measure.fits(with(current, part), "\n\n"))) {
          out.add(piece(out.size(), current, first));
          String last = current.getLast();
          current = new ArrayList<>();
          overlap = sameSection && measure.shortEnoughToRepeat(last) ? last : null;
          first = null;
        }
        if (first == null) {
          first = block;
          if (overlap != null && measure.fits(List.of(overlap, part), "\n\n")) {
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

  private static List<String> with(List<String> parts, String next) {
    List<String> all = new ArrayList<>(parts.size() + 1);
    all.addAll(parts);
    all.add(next);
    return all;
  }

  /** The paragraph itself if it fits, else sentence (then word) groups that each fit. */
  private static List<String> fitting(Measure measure, String paragraph) {
    if (paragraph.isEmpty()) {
      return List.of();
    }
    if (measure.fits(List.of(paragraph), " ")) {
      return List.of(paragraph);
    }
    List<String> sentences = List.of(paragraph.split("(?<=[.!?])\\s+"));
    if (sentences.size() == 1) {
      List<String> words = List.of(paragraph.split("\\s+"));
      if (words.size() == 1) {
        return List.of(paragraph); // one enormous token run: the model truncates it, and says so
      }
      return greedy(measure, words);
    }
    List<String> out = new ArrayList<>();
    for (String group : greedy(measure, sentences)) {
      out.addAll(
          measure.fits(List.of(group), " ")
              ? List.of(group)
              : greedy(measure, List.of(group.split("\\s+"))));
    }
    return out;
  }

  private static List<String> greedy(Measure measure, List<String> units) {
    List<String> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String u : units) {
      if (!current.isEmpty() && !measure.fits(with(current, u), " ")) {
        out.add(String.join(" ", current));
        current = new ArrayList<>();
      }
      current.add(u);
    }
    if (!current.isEmpty()) {
      out.add(String.join(" ", current));
    }
    return out;
  }
}
