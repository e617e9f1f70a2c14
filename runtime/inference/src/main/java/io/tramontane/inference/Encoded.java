package io.tramontane.inference;

/**
 * One tokenised input, ready for a batch: token ids and token type ids (attention is 1 over every
 * position; the batcher pads and masks).
 *
 * @param ids token ids including the special tokens
 * @param typeIds segment ids (0 for the first text, 1 for the second of a pair)
 * @param truncated the input had more tokens than the model's limit and was cut
 */
record Encoded(long[] ids, long[] typeIds, boolean truncated) {

  int length() {
    return ids.length;
  }
}
