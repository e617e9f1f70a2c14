package io.tramontane.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.SerializationContract;
import io.tramontane.testkit.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every journal record and message of the document log survives Pekko serialization with the
 * production configuration (Jackson CBOR, never Java serialization) — vectors bit for bit.
 */
class SerializationTest {

  private static ActorTestKit testKit;
  private static final Instant AT = Instant.parse("2026-11-30T08:00:00.123456789Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "RetrievalSerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static DocumentEntity.DocumentIndexed indexed() {
    float[] v = {0.1f, -0.25f, Float.MIN_VALUE, 1e-30f, 0.9999999f};
    return new DocumentEntity.DocumentIndexed(
        "acme",
        "kb",
        "hr/Salaires 2027 — é.pdf",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "Salaires",
        "file:///hr/salaires.pdf",
        "application/pdf",
        AT,
        Set.of("bob", "alice", "group:hr"),
        false,
        true,
        List.of(
            new DocumentEntity.StoredChunk(0, "Grille des salaires", "Intro > Grille", 3, v),
            new DocumentEntity.StoredChunk(1, "Suite", "", 0, new float[384])),
        new SourceCheckpoint("sharepoint:hr", "https://graph/delta?token=abc"));
  }

  static Stream<Object> records() {
    return Stream.of(
        indexed(),
        new DocumentEntity.DocumentFailed(
            "acme", "kb", "broken.pdf", "abc", "the file is not a valid PDF", null),
        new DocumentEntity.DocumentDeleted(
            "acme", "kb", "old.docx", new SourceCheckpoint("imap:inbox", "17:4242")),
        new DocumentEntity.State(DocumentEntity.Status.INDEXED, "abc", null),
        new DocumentEntity.Known(true, DocumentEntity.Status.FAILED, "encrypted"),
        new SourceCheckpoint("fs", "x"));
  }

  private static Object roundTrip(Object message) {
    return SerializationContract.roundTrip(testKit.system(), message);
  }

  @ParameterizedTest
  @MethodSource("records")
  void roundTripsThroughJacksonCbor(Object message) {
    Object back = roundTrip(message);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(
        SerializationContract.TREES.valueToTree(message),
        SerializationContract.TREES.valueToTree(back));
  }

  @Test
  void vectorsComeBackBitForBit() {
    var back = (DocumentEntity.DocumentIndexed) roundTrip(indexed());
    for (int i = 0; i < indexed().chunks().size(); i++) {
      float[] a = indexed().chunks().get(i).vector();
      float[] b = back.chunks().get(i).vector();
      assertEquals(a.length, b.length);
      for (int j = 0; j < a.length; j++) {
        assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(b[j]));
      }
    }
  }

  @Test
  void commandsCarryTheirReplyTo() {
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    var back = (DocumentEntity.Record) roundTrip(new DocumentEntity.Record(indexed(), probe.ref()));
    back.replyTo().tell(StatusReply.success(Done.getInstance()));
    assertEquals(Done.getInstance(), probe.receiveMessage().getValue());
    var check = testKit.<StatusReply<DocumentEntity.Known>>createTestProbe();
    assertInstanceOf(
        DocumentEntity.Check.class, roundTrip(new DocumentEntity.Check("h", check.ref())));
  }
}
