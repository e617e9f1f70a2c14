/**
 * What the modules' tests share: {@link io.tramontane.testkit.Await} (wait for a condition, fail
 * with the last thing seen), {@link io.tramontane.testkit.Requirements} (a missing machine
 * requirement skips a test, and fails it under {@code CI=true}), {@link
 * io.tramontane.testkit.SerializationContract} (a message round-trips through the actor system's
 * serializer as Jackson CBOR, never Java serialization), {@link
 * io.tramontane.testkit.GoldenJournal} (recorded journals replayed through the real serializer) and
 * {@link io.tramontane.testkit.TestConfigs} (a local actor system over the production
 * configuration).
 *
 * <p>A test-scoped dependency only; it depends on no Tramontane module, so every module's tests can
 * use it.
 */
package io.tramontane.testkit;
