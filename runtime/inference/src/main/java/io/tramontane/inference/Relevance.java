package io.tramontane.inference;

/**
 * A cross-encoder's relevance of a passage to a query.
 *
 * @param score the model's logit, squashed to (0, 1) with the logistic function
 * @param truncated the pair was longer than the model's limit
 */
public record Relevance(double score, boolean truncated) {}
