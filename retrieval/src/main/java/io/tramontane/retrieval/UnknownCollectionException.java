package io.tramontane.retrieval;

import io.tramontane.core.TramontaneException;
import io.tramontane.core.error.ErrorKind;

/** A search or statistics request named a collection that has never been ingested into. */
public final class UnknownCollectionException extends TramontaneException {

  private final String collection;

  public UnknownCollectionException(String collection) {
    super(
        ErrorKind.NOT_FOUND,
        false,
        "there is no collection named '"
            + collection
            + "'; ingest a document into it first (tramontane ingest … --collection "
            + collection
            + ").");
    this.collection = collection;
  }

  public String collection() {
    return collection;
  }
}
