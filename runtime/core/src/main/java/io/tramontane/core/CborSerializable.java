package io.tramontane.core;

/**
 * The one serialization marker. Every command, reply, event and state that crosses a node boundary
 * or reaches the journal implements it; {@code reference.conf} binds it to Jackson CBOR once. Java
 * serialization is switched off.
 */
public interface CborSerializable {}
