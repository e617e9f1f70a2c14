package io.tramontane.intake;

import com.typesafe.config.Config;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.intake.signature.TriggerSettings;
import io.tramontane.intake.signature.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

/**
 * The intake service: verify a request against its trigger, then have the {@link DeliveryEntity}
 * persist it (or recognise it as a duplicate). Transport-neutral: the HTTP edge translates {@link
 * Outcome} and {@link UnavailableException} into status codes.
 */
public final class WebhookIntake {

  /** What became of one request. */
  public sealed interface Outcome {}

  /** Persisted now, or already persisted earlier ({@code accepted.duplicate()}). */
  public record Accepted(DeliveryEntity.Accepted accepted) implements Outcome {}

  /** Refused by signature verification; nothing was stored. */
  public record Refused(Verification.Rejected rejection) implements Outcome {}

  private final ClusterSharding sharding;
  private final Map<String, TriggerSettings> triggers;
  private final List<String> keptHeaders;
  private final Duration persistTimeout;
  private final Clock clock;

  private WebhookIntake(
      ClusterSharding sharding,
      Map<String, TriggerSettings> triggers,
      List<String> keptHeaders,
      Duration persistTimeout,
      Clock clock) {
    this.sharding = sharding;
    this.triggers = Map.copyOf(triggers);
    this.keptHeaders = keptHeaders;
    this.persistTimeout = persistTimeout;
    this.clock = clock;
  }

  /**
   * Starts the DeliveryEntity shard region on this node for the given triggers (read them first
   * with {@link TriggerSettings#allFromConfig}, so configuration errors surface before start-up).
   */
  public static WebhookIntake start(
      TramontaneSystem node, Config config, Map<String, TriggerSettings> triggers, Clock clock) {
    DeliveryEntity.init(node.system(), node.persistence());
    Config intake = config.getConfig("tramontane.intake");
    List<String> kept =
        intake.getStringList("kept-headers").stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    return new WebhookIntake(
        ClusterSharding.get(node.system()),
        triggers,
        kept,
        intake.getDuration("persist-timeout"),
        clock);
  }

  public Optional<TriggerSettings> trigger(String name) {
    return Optional.ofNullable(triggers.get(name));
  }

  public Map<String, TriggerSettings> triggers() {
    return triggers;
  }

  /**
   * Verifies and persists one delivery from its headers as received: names in any case, a name as
   * many times as it was sent. A header the trigger's scheme reads or the delivery keeps that was
   * sent more than once — with different values or the same — is refused as malformed, and nothing
   * is stored.
   */
  public CompletionStage<Outcome> receive(
      TriggerSettings trigger, List<Map.Entry<String, String>> headers, byte[] body) {
    Map<String, String> single = new HashMap<>();
    Map<String, Integer> repeated = new TreeMap<>();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (single.putIfAbsent(name, h.getValue()) != null
          && (trigger.scheme().headers().contains(name) || keptHeaders.contains(name))) {
        repeated.merge(name, 2, (a, b) -> a + 1);
      }
    }
    if (!repeated.isEmpty()) {
      Map.Entry<String, Integer> first = repeated.entrySet().iterator().next();
      return CompletableFuture.completedFuture(
          new Refused(
              Verification.malformed(
                  "header "
                      + first.getKey()
                      + " was sent "
                      + first.getValue()
                      + " times; send it once")));
    }
    return receive(trigger, single, body);
  }

  /**
   * Verifies and persists one delivery. Completes with {@link Accepted} only after the journal has
   * the delivery; fails with {@link UnavailableException} when the journal does not answer in time.
   *
   * @param headers request headers with lower-case names
   */
  public CompletionStage<Outcome> receive(
      TriggerSettings trigger, Map<String, String> headers, byte[] body) {
    Verification verification = trigger.scheme().verify(headers, body);
    if (verification instanceof Verification.Rejected rejected) {
      return CompletableFuture.completedFuture(new Refused(rejected));
    }
    String deliveryId = ((Verification.Verified) verification).deliveryId();
    Map<String, String> kept = new HashMap<>();
    for (String name : keptHeaders) {
      String value = headers.get(name);
      if (value != null && !trigger.scheme().signatureHeaders().contains(name)) {
        kept.put(name, value);
      }
    }
    Delivery delivery =
        new Delivery(trigger.name(), deliveryId, trigger.tenant(), clock.instant(), kept, body);
    return sharding
        .entityRefFor(
            DeliveryEntity.ENTITY_KEY, DeliveryEntity.entityId(trigger.name(), deliveryId))
        .<DeliveryEntity.Accepted>askWithStatus(
            replyTo -> new DeliveryEntity.Accept(delivery, replyTo), persistTimeout)
        .<Outcome>thenApply(Accepted::new)
        .exceptionally(
            e -> {
              throw unavailable(e, "the journal did not confirm the delivery");
            });
  }

  /** What is known about one delivery; {@code found() == false} when it was never accepted. */
  public CompletionStage<DeliveryEntity.Status> status(String trigger, String deliveryId) {
    return sharding
        .entityRefFor(DeliveryEntity.ENTITY_KEY, DeliveryEntity.entityId(trigger, deliveryId))
        .<DeliveryEntity.Status>askWithStatus(DeliveryEntity.GetStatus::new, persistTimeout)
        .exceptionally(
            e -> {
              throw unavailable(e, "the delivery store did not answer");
            });
  }

  private RuntimeException unavailable(Throwable e, String what) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return new UnavailableException(
          what + " within " + persistTimeout.toMillis() + " ms; retry later",
          Duration.ofSeconds(5),
          cause);
    }
    if (cause instanceof StatusReply.ErrorMessage) {
      return new IllegalStateException(cause.getMessage(), cause);
    }
    return new UnavailableException(what + ": " + cause.getMessage(), Duration.ofSeconds(5), cause);
  }
}
