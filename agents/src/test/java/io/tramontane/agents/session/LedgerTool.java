package io.tramontane.agents.session;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A side-effecting tool that behaves like a well-made external service: it applies each idempotency
 * key once, and records every attempt. {@link #hold} makes the next attempt block.
 */
final class LedgerTool implements Tool {

  private final String name;
  final List<String> attempts = new CopyOnWriteArrayList<>();
  final Map<String, Integer> applied = new ConcurrentHashMap<>();
  volatile CountDownLatch hold;
  final CountDownLatch entered = new CountDownLatch(1);

  LedgerTool(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "Adds an amount to the ledger.";
  }

  @Override
  public JsonObjectSchema parameters() {
    return JsonObjectSchema.builder()
        .addIntegerProperty("amount", "how much")
        .required("amount")
        .build();
  }

  @Override
  public boolean sideEffecting() {
    return true;
  }

  @Override
  public ToolResult execute(ToolCall call) {
    attempts.add(call.idempotencyKey());
    entered.countDown();
    CountDownLatch h = hold;
    if (h != null) {
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    applied.merge(call.idempotencyKey(), 1, (a, b) -> a);
    return ToolResult.of("ledger entry " + call.idempotencyKey() + " recorded");
  }
}
