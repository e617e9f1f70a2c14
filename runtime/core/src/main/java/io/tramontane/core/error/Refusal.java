package io.tramontane.core.error;

import io.tramontane.core.CborSerializable;

/**
 * An error an entity replies with ({@code StatusReply.error(refusal)}) when it refuses a command. A
 * reply may cross nodes: pekko rebuilds the exception on the asking node from its class name and
 * message alone, so a refusal has a public {@code (String message)} constructor and derives its
 * kind (and title) from its class. It is marked {@link CborSerializable} so pekko has a serializer
 * for it and rebuilds it instead of a generic "not serializable" stand-in.
 */
public interface Refusal extends KindedError, CborSerializable {}
