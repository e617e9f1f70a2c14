/**
 * Typed errors: {@link io.tramontane.core.error.ErrorKind} says what kind a failure is, {@link
 * io.tramontane.core.error.KindedError} carries it with the caller-facing detail, {@link
 * io.tramontane.core.error.Refusal} marks the errors entities reply with (rebuilt across nodes from
 * class and message), and {@link io.tramontane.core.error.DefinitionError} is the one located shape
 * of a definition mistake. Invariant: an edge translates an error by its kind in exactly one place.
 */
package io.tramontane.core.error;
