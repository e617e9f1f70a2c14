package io.tramontane.inference;

/**
 * What a hosted model computes. The batcher, the registry and the session handling are the same for
 * every task; only the head that turns the model's output into a result differs.
 */
public enum Task {
  /** Text → vector (pooled, optionally normalised). */
  EMBEDDING,
  /** Text → one probability per label (softmax over logits). */
  CLASSIFICATION,
  /** (query, passage) → one relevance score (cross-encoder). */
  RERANK
}
