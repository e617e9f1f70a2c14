package io.tramontane.testkit;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a golden journal test needs: an actor system with the module's production serializers,
 * journaling in memory, for the test class; fixtures read from that class's resources. Register it
 * as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GoldenJournalExtension golden =
 *     new GoldenJournalExtension(TramontaneConfig.load(Map.of()));
 * ...
 * var entity = golden.<Command, Event, State>recover(Entity.create(...), "/golden/x.json");
 * }</pre>
 */
public final class GoldenJournalExtension implements BeforeAllCallback, AfterAllCallback {

  private final Config production;
  private ActorTestKit testKit;
  private Class<?> owner;

  /**
   * {@code production}: the module's configuration (its Jackson CBOR bindings are the real ones).
   */
  public GoldenJournalExtension(Config production) {
    this.production = production;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    owner = context.getRequiredTestClass();
    testKit = ActorTestKit.create(owner.getSimpleName(), TestConfigs.inMemoryJournal(production));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  /** The actor system (for an entity's settings, e.g. its persistence configuration). */
  public ActorSystem<Void> system() {
    return testKit.system();
  }

  /**
   * The events of the fixture at {@code resource} read back through today's serializers ({@link
   * GoldenJournal#replay}).
   */
  public List<Object> replay(String resource) {
    return GoldenJournal.replay(testKit.system(), owner, resource);
  }

  /**
   * {@code entity} recovered from the fixture at {@code resource}, as after a restart on a journal
   * holding those events: its state and the answers it gives are what a user would see.
   */
  public <C, E, S> EventSourcedBehaviorTestKit<C, E, S> recover(
      Behavior<C> entity, String resource) {
    EventSourcedBehaviorTestKit<C, E, S> kit =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), entity, EventSourcedBehaviorTestKit.enabledSerializationSettings());
    kit.initialize(replay(resource).toArray());
    return kit;
  }
}
