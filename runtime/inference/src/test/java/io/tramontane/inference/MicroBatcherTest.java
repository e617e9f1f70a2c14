package io.tramontane.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Backpressure, no mixed-up results under load, priority lanes, shutdown. */
class MicroBatcherTest {

  @Test
  void aThousandConcurrentCallersEachGetTheirOwnEmbeddingOrARetriableRefusal() throws Exception {
    try (InferenceRuntime rt =
        Models.start(
            "tramontane.inference.batcher { interactive-queue-capacity = 64, retry-after = 3s }")) {
      int callers = 1000;
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        texts.add("Caller number " + i + " asks about " + EmbeddingTest.text(new Random(i), 3));
      }
      CountDownLatch go = new CountDownLatch(1);
      Map<Integer, CompletableFuture<TextEmbedding>> results = new HashMap<>();
      List<Thread> threads = new ArrayList<>();
      ConcurrentLinkedQueue<Integer> refused = new ConcurrentLinkedQueue<>();
      AtomicInteger wrongErrors = new AtomicInteger();
      for (int i = 0; i < callers; i++) {
        int n = i;
        CompletableFuture<TextEmbedding> slot = new CompletableFuture<>();
        results.put(n, slot);
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        go.await();
                        slot.complete(
                            rt.embed("minilm", texts.get(n), Priority.INTERACTIVE)
                                .toCompletableFuture()
                                .join());
                      } catch (CompletionException e) {
                        if (e.getCause() instanceof UnavailableException u
                            && u.retriable()
                            && u.retryAfter().equals(Duration.ofSeconds(3))
                            && u.getMessage().contains("overloaded")) {
                          refused.add(n);
                        } else {
                          wrongErrors.incrementAndGet();
                        }
                        slot.complete(null);
                      } catch (InterruptedException e) {
                        slot.completeExceptionally(e);
                      }
                    }));
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(0, wrongErrors.get(), "only the overloaded error is acceptable");
      assertTrue(!refused.isEmpty(), "a 64-deep queue cannot take 1,000 callers at once");
      assertEquals(refused.size(), rt.metrics().getFirst().rejected());
      int answered = 0;
      for (int i = 0; i < callers; i++) {
        TextEmbedding got = results.get(i).join();
        if (got == null) {
          assertTrue(refused.contains(i));
          continue;
        }
        answered++;
        if (i % 10 == 0) { // spot-check against the same text embedded alone
          TextEmbedding alone =
              rt.embed("minilm", texts.get(i), Priority.BULK).toCompletableFuture().join();
          assertTrue(got.cosine(alone) >= 0.9999, "caller " + i + " got someone else's vector");
        }
      }
      assertEquals(callers, answered + refused.size(), "no caller left without an answer");
    }
  }

  @Test
  void distinctTextsNeverShareAResult() {
    try (InferenceRuntime rt = Models.start("")) {
      List<CompletableFuture<TextEmbedding>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(rt.embed("minilm", "ticket " + i, Priority.INTERACTIVE).toCompletableFuture());
      }
      for (int i = 0; i < 200; i++) {
        TextEmbedding a = fs.get(i).join();
        TextEmbedding alone =
            rt.embed("minilm", "ticket " + i, Priority.BULK).toCompletableFuture().join();
        assertTrue(a.cosine(alone) >= 0.9999, "ticket " + i);
        if (i > 0) {
          assertTrue(a.cosine(fs.get(i - 1).join()) < 0.9999, "ticket " + i + " vs previous");
        }
      }
    }
  }

  @Test
  void aRequestLargerThanTheLaneIsRefusedOutright() {
    try (InferenceRuntime rt =
        Models.start("tramontane.inference.batcher.bulk-queue-capacity = 10")) {
      List<String> eleven = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        eleven.add("text " + i);
      }
      CompletionException e =
          assertThrows(
              CompletionException.class,
              () -> rt.embedAll("minilm", eleven, Priority.BULK).toCompletableFuture().join());
      assertTrue(e.getCause() instanceof InvalidRequestException, e.toString());
      assertTrue(e.getCause().getMessage().contains("bulk-queue-capacity"), e.getMessage());
    }
  }

  @Test
  void interactiveRequestsOvertakeABulkBacklog() {
    try (InferenceRuntime rt = Models.start("")) {
      ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < 1500; i++) {
        String tag = "bulk" + i;
        all.add(
            rt.embed("minilm", EmbeddingTest.text(new Random(i), 30), Priority.BULK)
                .thenRun(() -> order.add(tag))
                .toCompletableFuture());
      }
      for (int i = 0; i < 5; i++) {
        String tag = "interactive" + i;
        all.add(
            rt.embed("minilm", "Where is my parcel " + i + "?", Priority.INTERACTIVE)
                .thenRun(() -> order.add(tag))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      List<String> seen = new ArrayList<>(order);
      int lastInteractive = 0;
      for (int i = 0; i < seen.size(); i++) {
        if (seen.get(i).startsWith("interactive")) {
          lastInteractive = i;
        }
      }
      // Interactive texts wait at most for the batches in flight, not for 1,500 bulk texts.
      assertTrue(
          lastInteractive < 200,
          "last interactive answer came after " + lastInteractive + " of 1,505 answers");
    }
  }

  @Test
  void afterCloseCallsFailRetriablyInsteadOfHanging() {
    InferenceRuntime rt = Models.start("");
    List<CompletableFuture<TextEmbedding>> queued = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      queued.add(rt.embed("minilm", "queued " + i, Priority.BULK).toCompletableFuture());
    }
    rt.close();
    for (CompletableFuture<TextEmbedding> f : queued) {
      try {
        f.join();
      } catch (CompletionException e) {
        assertTrue(e.getCause() instanceof UnavailableException, e.toString());
      }
    }
    CompletionException after =
        assertThrows(
            CompletionException.class,
            () -> rt.embed("minilm", "late", Priority.BULK).toCompletableFuture().join());
    assertTrue(after.getCause() instanceof UnavailableException, after.toString());
  }
}
