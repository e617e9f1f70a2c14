package io.tramontane.inference;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * LangChain4j's {@link EmbeddingModel} port over the runtime: every call goes through the model's
 * micro-batcher on one lane, so concurrent callers share batches. Blocking by LangChain4j's
 * contract (call it from a blocking-IO dispatcher or a virtual thread); errors are the runtime's
 * own {@code TramontaneException}s, unwrapped.
 */
public final class RuntimeEmbeddingModel implements EmbeddingModel {

  private final InferenceRuntime runtime;
  private final InferenceRuntime.ModelInfo info;
  private final Priority priority;

  RuntimeEmbeddingModel(InferenceRuntime runtime, InferenceRuntime.ModelInfo info, Priority p) {
    this.runtime = runtime;
    this.info = info;
    this.priority = p;
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
    List<String> texts = new ArrayList<>(segments.size());
    for (TextSegment s : segments) {
      texts.add(s.text());
    }
    List<TextEmbedding> out;
    try {
      out = runtime.embedAll(info.name(), texts, priority).toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
    List<Embedding> embeddings = new ArrayList<>(out.size());
    int tokens = 0;
    for (TextEmbedding t : out) {
      embeddings.add(Embedding.from(t.vector()));
      tokens += t.tokens();
    }
    return Response.from(embeddings, new TokenUsage(tokens));
  }

  @Override
  public int dimension() {
    return info.dimension();
  }

  @Override
  public String modelName() {
    return info.name();
  }

  /** The lane this adapter queues on. */
  public Priority priority() {
    return priority;
  }
}
