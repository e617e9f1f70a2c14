package io.tramontane.inference;

/**
 * The two queues of each model. A batch is filled from the interactive lane first, so a query waits
 * at most for the batch in flight, however long the bulk (ingestion) backlog is.
 */
public enum Priority {
  /** A user is waiting: queries, agent steps. */
  INTERACTIVE,
  /** Throughput work: ingestion, re-embedding. */
  BULK
}
