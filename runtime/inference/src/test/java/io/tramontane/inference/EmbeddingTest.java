package io.tramontane.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.tramontane.core.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fp32 model: batched equals alone, LangChain4j parity, truncation, errors, the port. */
class EmbeddingTest {

  private static final String[] WORDS = {
    "invoice",
    "harbour",
    "container",
    "tramontane",
    "wind",
    "bank",
    "ledger",
    "approval",
    "mail",
    "ship",
    "Genoa",
    "Marseille",
    "the",
    "of",
    "and",
    "contract",
    "clause",
    "delivery",
    "risk",
    "quarterly",
    "report",
    "customs",
    "cargo",
    "schedule",
    "policy",
    "employee",
    "archive"
  };

  private static InferenceRuntime runtime;

  @BeforeAll
  static void start() {
    runtime = Models.start("");
  }

  @AfterAll
  static void stop() {
    runtime.close();
  }

  static String text(Random random, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return b.append('.').toString();
  }

  private static TextEmbedding alone(String model, String text) {
    return runtime.embed(model, text, Priority.INTERACTIVE).toCompletableFuture().join();
  }

  @Test
  void aBatchedEmbeddingEqualsTheUnbatchedOne() {
    long seed = Long.getLong("tramontane.test.seed", System.nanoTime());
    System.out.println("EmbeddingTest seed = " + seed + " (rerun with -Dtramontane.test.seed)");
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 96; i++) {
      texts.add(text(random, 1 + random.nextInt(random.nextBoolean() ? 8 : 220)));
    }
    long batchesBefore = runtime.metrics().getFirst().batches();
    long doneBefore = runtime.metrics().getFirst().completed();
    List<CompletableFuture<TextEmbedding>> concurrent = new ArrayList<>();
    for (String t : texts) {
      concurrent.add(runtime.embed("minilm", t, Priority.INTERACTIVE).toCompletableFuture());
    }
    List<TextEmbedding> batched = concurrent.stream().map(CompletableFuture::join).toList();
    InferenceMetrics m = runtime.metrics().getFirst();
    double meanBatch =
        (double) (m.completed() - doneBefore) / Math.max(1, m.batches() - batchesBefore);
    assertTrue(meanBatch > 1, "concurrent callers shared batches; mean batch " + meanBatch);
    for (int i = 0; i < texts.size(); i++) {
      double cos = batched.get(i).cosine(alone("minilm", texts.get(i)));
      assertTrue(cos >= 0.9999, "text " + i + " (seed " + seed + "): cosine " + cos);
    }
  }

  @Test
  void matchesLangChain4jsOwnModelWithin128Tokens() {
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    Random random = new Random(7);
    for (int words : new int[] {1, 5, 20, 60, 90}) {
      String t = text(random, words);
      TextEmbedding ours = alone("minilm", t);
      assertTrue(ours.tokens() <= 128, ours.tokens() + " tokens");
      double cos = TextEmbedding.cosine(ours.vector(), reference.embed(t).content().vector());
      assertTrue(cos >= 0.9999, words + " words: cosine " + cos);
    }
  }

  @Test
  void langChain4jStopsAt128TokensWhereWeUseTheModels256() {
    AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
    String longText = text(new Random(3), 190);
    float[] theirs = reference.embed(longText).content().vector();
    TextEmbedding ours = alone("minilm", longText);
    assertTrue(ours.tokens() > 128 && !ours.truncated(), ours.tokens() + " tokens");
    assertTrue(TextEmbedding.cosine(ours.vector(), theirs) < 0.9999);
    try (InferenceRuntime at128 =
        Models.start("tramontane.inference.models.minilm.max-sequence-length = 128")) {
      TextEmbedding cut =
          at128.embed("minilm", longText, Priority.BULK).toCompletableFuture().join();
      assertTrue(cut.truncated());
      assertEquals(128, cut.tokens());
      assertTrue(TextEmbedding.cosine(cut.vector(), theirs) >= 0.9999);
    }
  }

  @Test
  void longTextsAreTruncatedAndSaySo() {
    TextEmbedding longOne = alone("minilm", text(new Random(1), 600));
    assertTrue(longOne.truncated());
    assertEquals(256, longOne.tokens());
    TextEmbedding shortOne = alone("minilm", "A short sentence.");
    assertFalse(shortOne.truncated());
    assertEquals(384, shortOne.vector().length);
  }

  @Test
  void emptyTextIsAClearError() {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                runtime
                    .embed("minilm", "  \n ", Priority.INTERACTIVE)
                    .toCompletableFuture()
                    .join());
    assertInstanceOf(InvalidRequestException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("empty"), e.getCause().getMessage());

    CompletionException inBatch =
        assertThrows(
            CompletionException.class,
            () ->
                runtime
                    .embedAll("minilm", List.of("one", "", "three"), Priority.BULK)
                    .toCompletableFuture()
                    .join());
    assertTrue(inBatch.getCause().getMessage().startsWith("Text 2 of 3"), inBatch.getMessage());
  }

  @Test
  void oversizedTextNamesTheLimit() {
    try (InferenceRuntime small =
        Models.start("tramontane.inference.batcher.max-text-chars = 50")) {
      CompletionException e =
          assertThrows(
              CompletionException.class,
              () ->
                  small
                      .embed("minilm", "x".repeat(51), Priority.BULK)
                      .toCompletableFuture()
                      .join());
      assertTrue(e.getCause().getMessage().contains("max-text-chars"), e.getCause().getMessage());
    }
  }

  @Test
  void unknownModelsAndWrongTasksAreClearErrors() {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> runtime.embed("gpt", "hi", Priority.BULK).toCompletableFuture().join());
    assertTrue(e.getCause().getMessage().contains("minilm"), e.getCause().getMessage());
    CompletionException task =
        assertThrows(
            CompletionException.class,
            () -> runtime.classify("minilm", "hi", Priority.BULK).toCompletableFuture().join());
    assertTrue(task.getCause().getMessage().contains("embedding model"));
  }

  @Test
  void bulkResultsComeBackInInputOrder() {
    List<String> texts = List.of(text(new Random(5), 150), "tiny", text(new Random(6), 40));
    List<TextEmbedding> all =
        runtime.embedAll("minilm", texts, Priority.BULK).toCompletableFuture().join();
    for (int i = 0; i < texts.size(); i++) {
      assertTrue(all.get(i).cosine(alone("minilm", texts.get(i))) >= 0.9999, "text " + i);
    }
  }

  @Test
  void theLangChain4jPortUsesTheRuntime() {
    RuntimeEmbeddingModel port = runtime.embeddingModel();
    assertEquals(384, port.dimension());
    assertEquals("minilm", port.modelName());
    List<String> texts = List.of("Where is the cargo?", "Invoices are paid in 30 days.");
    Response<List<dev.langchain4j.data.embedding.Embedding>> r =
        port.embedAll(texts.stream().map(TextSegment::from).toList());
    int tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      TextEmbedding mine = alone("minilm", texts.get(i));
      tokens += mine.tokens();
      assertTrue(TextEmbedding.cosine(r.content().get(i).vector(), mine.vector()) >= 0.9999);
    }
    assertEquals(tokens, r.tokenUsage().inputTokenCount());
  }
}
