package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.SerializationContract;
import io.tramontane.testkit.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sync entity event, the state, the status and the commands survive Jackson CBOR. */
class SerializationTest {

  private static ActorTestKit testKit;
  private static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "ConnectorSerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static final ConnectorStatus.ItemFailure FAILURE =
      new ConnectorStatus.ItemFailure("scan.pdf", "the PDF is corrupt", AT);

  static final ConnectorSyncEntity.Changes CHANGES =
      new ConnectorSyncEntity.Changes(
          "page-2",
          Map.of("a.txt", "1772431200000000000:12"),
          List.of("gone.txt"),
          3,
          1,
          1,
          2,
          1500,
          List.of(FAILURE));

  static Stream<Object> records() {
    return Stream.of(
        new ConnectorSyncEntity.PassStarted(AT),
        new ConnectorSyncEntity.Progressed(CHANGES),
        new ConnectorSyncEntity.Progressed(ConnectorSyncEntity.Changes.NONE),
        new ConnectorSyncEntity.PassCompleted("page-3", AT),
        new ConnectorSyncEntity.PassCompleted(null, AT),
        new ConnectorSyncEntity.PassStopped("page-2", AT),
        new ConnectorSyncEntity.PassFailed("the folder /srv/x does not exist", AT),
        new ConnectorSyncEntity.SyncPaused(AT),
        new ConnectorSyncEntity.SyncResumed(AT),
        ConnectorSyncEntity.State.EMPTY,
        ConnectorSyncEntity.State.EMPTY
            .apply(new ConnectorSyncEntity.Progressed(CHANGES))
            .apply(new ConnectorSyncEntity.SyncPaused(AT)),
        new ConnectorStatus(
            "docs",
            "filesystem",
            "docs",
            "failing",
            AT,
            null,
            "no",
            -1,
            1,
            2,
            3,
            4,
            5,
            List.of(FAILURE)),
        new ConnectorSyncEntity.Activate(),
        ConnectorSyncEntity.Tick.INSTANCE,
        ConnectorSyncEntity.Changed.INSTANCE,
        new ConnectorSyncEntity.Finished(7, "cp", CHANGES, false, null),
        new ConnectorSyncEntity.Finished(7, null, ConnectorSyncEntity.Changes.NONE, true, "x"));
  }

  private static Object roundTrip(Object message) {
    return SerializationContract.roundTrip(testKit.system(), message);
  }

  @ParameterizedTest
  @MethodSource("records")
  void roundTrips(Object message) {
    Object back = roundTrip(message);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(
        SerializationContract.TREES.valueToTree(message),
        SerializationContract.TREES.valueToTree(back));
    assertEquals(message, back);
  }

  @Test
  void commandsKeepTheirReplyTo() {
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    for (Object c :
        List.of(
            new ConnectorSyncEntity.SyncNow(probe.ref()),
            new ConnectorSyncEntity.Pause(probe.ref()),
            new ConnectorSyncEntity.Resume(probe.ref()),
            new ConnectorSyncEntity.Save(3, CHANGES, probe.ref()))) {
      Object back = roundTrip(c);
      assertEquals(c.getClass(), back.getClass());
    }
    var back = (ConnectorSyncEntity.Pause) roundTrip(new ConnectorSyncEntity.Pause(probe.ref()));
    back.replyTo().tell(StatusReply.ack());
    assertEquals(Done.getInstance(), probe.receiveMessage().getValue());
    var status = testKit.<StatusReply<ConnectorStatus>>createTestProbe();
    assertInstanceOf(
        ConnectorSyncEntity.GetStatus.class,
        roundTrip(new ConnectorSyncEntity.GetStatus(status.ref())));
  }
}
