package io.tramontane.inference;

/** How token vectors become one text vector. Padding positions never count. */
public enum Pooling {
  /** Average of the token vectors under the attention mask (sentence-transformers' default). */
  MEAN,
  /** The first ([CLS]) token's vector. */
  CLS
}
