/**
 * The platform's model host: ONNX Runtime sessions for the models of {@code
 * tramontane.inference.models}, each behind a cross-request micro-batcher, on the CPU or a CUDA
 * GPU. No Pekko, no HTTP.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * try (InferenceRuntime inference = InferenceRuntime.start(config)) {  // loads load-at-start ones
 *   TextEmbedding q = inference.embed("minilm", "When is the invoice due?", Priority.INTERACTIVE)
 *       .toCompletableFuture().join();                  // q.vector(), q.tokens(), q.truncated()
 *   inference.embedAll("minilm", chunks, Priority.BULK); // one request: all admitted or none
 *   EmbeddingModel port = inference.embeddingModel("minilm", Priority.BULK);  // LangChain4j
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.inference.InferenceRuntime} — the registry and entry point: {@code
 *       embed}, {@code embedAll}, {@code classify}, {@code rerank}, {@code countTokens}, {@code
 *       metrics}. Thread-safe; one per process; models load at start or on first use.
 *   <li>{@link io.tramontane.inference.InferenceSettings}, {@link
 *       io.tramontane.inference.ModelSpec}, {@link io.tramontane.inference.ModelSource}, {@link
 *       io.tramontane.inference.Device} — the configuration, checked at start with the full key.
 *   <li>{@link io.tramontane.inference.Task}, {@link io.tramontane.inference.Pooling}, {@link
 *       io.tramontane.inference.Priority} — what a model computes, how an embedding is pooled,
 *       which lane a request queues on.
 *   <li>{@link io.tramontane.inference.TextEmbedding}, {@link
 *       io.tramontane.inference.Classification}, {@link io.tramontane.inference.Relevance} — the
 *       results, each saying whether the input was truncated.
 *   <li>{@link io.tramontane.inference.RuntimeEmbeddingModel} — LangChain4j's {@code
 *       EmbeddingModel} over the batcher; blocking by that contract.
 *   <li>{@link io.tramontane.inference.InferenceMetrics} — one model's queue depths, batch sizes,
 *       padding and latency; {@link io.tramontane.inference.InferenceFailedException} — ONNX
 *       Runtime failed a batch (every caller in it gets it).
 *   <li>Package-private: {@code MicroBatcher} (one platform thread per model), {@code HostedModel}
 *       (session, tokenizer, head), {@code TextEncoder}, {@code Head}, {@code ExecutionProvider}.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Calls never block on inference: errors come back as failed stages carrying a {@code
 *       TramontaneException}. A full lane refuses the whole request with a retriable {@code
 *       UnavailableException}; a request larger than a lane, an empty text or one over {@code
 *       batcher.max-text-chars} is an {@code InvalidRequestException}. ({@code countTokens}, {@code
 *       model} and {@code embeddingModel} throw instead; the first use of a model loads it on the
 *       caller's thread.)
 *   <li>A batch is filled from the interactive lane before the bulk lane; padding is masked, so a
 *       batched result equals the unbatched one (fp32).
 *   <li>Vectors are stored in the document log: changing a model, its pooling, normalisation or
 *       {@code max-sequence-length} changes every vector and needs a re-ingest.
 *   <li>{@code close()} fails queued work with a retriable error rather than hanging.
 * </ul>
 *
 * <p>Callers: retrieval (embedding chunks on the bulk lane and queries on the interactive lane,
 * counting tokens for the chunker) and the server, which starts it and uses it in the CLI's search
 * and the benchmarks.
 */
package io.tramontane.inference;
