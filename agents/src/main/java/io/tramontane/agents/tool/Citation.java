package io.tramontane.agents.tool;

import io.tramontane.core.CborSerializable;

/** A passage an answer rests on: where it is, and what it says. */
public record Citation(
    String documentId, String title, String sourceUri, String section, int page, String passage)
    implements CborSerializable {}
