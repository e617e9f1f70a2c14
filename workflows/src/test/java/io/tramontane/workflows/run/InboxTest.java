package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code listen} consumption strategies: filters, correlation, {@code until}, deadlines. */
class InboxTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode yaml(String s) throws Exception {
    return YAML.readTree(s);
  }

  static Inbox inbox(String... events) throws Exception {
    Inbox inbox = new Inbox();
    for (String e : events) {
      inbox.add(JSON.readTree(e));
    }
    return inbox;
  }

  static List<String> ids(JsonNode consumed) {
    List<String> ids = new ArrayList<>();
    consumed.forEach(e -> ids.add(e.path("id").asText()));
    return ids;
  }

  static JsonNode await(Inbox inbox, JsonNode to) throws InterruptedException {
    return inbox.await(to, null, Clock.systemUTC(), events -> Listens.read(events, "data"));
  }

  @Test
  void aCorrelationWithAnExpectationTakesOnlyTheMatchingEvent() throws Exception {
    Inbox inbox =
        inbox(
            "{\"id\":\"a\",\"type\":\"order.paid\",\"data\":{\"order\":1}}",
            "{\"id\":\"b\",\"type\":\"order.paid\",\"data\":{\"order\":2}}");
    JsonNode to =
        yaml(
            """
            one:
              with: {type: order.paid}
              correlate:
                order: {from: '${ .data.order }', expect: '2'}
            """);
    assertEquals(List.of("b"), ids(await(inbox, to)));
  }

  @Test
  void withoutExpectTheFirstEventFixesTheCorrelationForTheOthers() throws Exception {
    Inbox inbox =
        inbox(
            "{\"id\":\"p1\",\"type\":\"paid\",\"data\":{\"order\":1}}",
            "{\"id\":\"s2\",\"type\":\"shipped\",\"data\":{\"order\":2}}",
            "{\"id\":\"s1\",\"type\":\"shipped\",\"data\":{\"order\":1}}");
    JsonNode to =
        yaml(
            """
            all:
              - with: {type: paid}
                correlate: {order: {from: .data.order}}
              - with: {type: shipped}
                correlate: {order: {from: .data.order}}
            """);
    assertEquals(List.of("p1", "s1"), ids(await(inbox, to)), "s2 belongs to another order");
  }

  @Test
  void attributeFiltersCompareConstantsSubsetsAndExpressions() throws Exception {
    Inbox inbox =
        inbox(
            "{\"id\":\"small\",\"type\":\"invoice\",\"data\":{\"kind\":\"supplier\",\"amount\":50}}",
            "{\"id\":\"other\",\"type\":\"invoice\",\"data\":{\"kind\":\"customer\",\"amount\":500}}",
            "{\"id\":\"big\",\"type\":\"invoice\",\"data\":{\"kind\":\"supplier\",\"amount\":500}}");
    JsonNode bySubset = yaml("one: {with: {type: invoice, data: {kind: supplier}}}");
    JsonNode byExpression = yaml("one: {with: {type: invoice, data: '${ .amount > 100 }'}}");
    assertEquals(List.of("small"), ids(await(inbox, bySubset)));
    assertEquals(List.of("other"), ids(await(inbox, byExpression)), "small was taken already");
    assertEquals(List.of("big"), ids(await(inbox, byExpression)));
  }

  @Test
  void anyUntilAnExpressionConsumesEventsUntilItHolds() throws Exception {
    Inbox inbox =
        inbox(
            "{\"id\":\"1\",\"type\":\"reading\",\"data\":{\"t\":20}}",
            "{\"id\":\"x\",\"type\":\"noise\"}",
            "{\"id\":\"2\",\"type\":\"reading\",\"data\":{\"t\":30}}",
            "{\"id\":\"3\",\"type\":\"reading\",\"data\":{\"t\":40}}",
            "{\"id\":\"4\",\"type\":\"reading\",\"data\":{\"t\":50}}");
    JsonNode to =
        yaml(
            """
            any:
              - with: {type: reading}
            until: '${ map(.t) | add >= 90 }'
            """);
    assertEquals(List.of("1", "2", "3"), ids(await(inbox, to)));
  }

  @Test
  void anyUntilAStrategyStopsAtTheClosingEventWhichIsNotInTheOutput() throws Exception {
    Inbox inbox =
        inbox(
            "{\"id\":\"i1\",\"type\":\"item\"}",
            "{\"id\":\"i2\",\"type\":\"item\"}",
            "{\"id\":\"end\",\"type\":\"batch.closed\"}",
            "{\"id\":\"i3\",\"type\":\"item\"}");
    JsonNode to =
        yaml(
            """
            any:
              - with: {type: item}
            until:
              one: {with: {type: batch.closed}}
            """);
    assertEquals(List.of("i1", "i2"), ids(await(inbox, to)));
    assertEquals(
        List.of("i3"), ids(await(inbox, yaml("one: {with: {type: item}}"))), "end was consumed");
  }

  @Test
  void aListenGivesUpAtItsDeadline() throws Exception {
    Inbox inbox = inbox("{\"id\":\"n\",\"type\":\"noise\"}");
    Instant deadline = Instant.now().plusMillis(150);
    assertNull(
        inbox.await(
            yaml("one: {with: {type: approval}}"), deadline, Clock.systemUTC(), events -> events));
  }

  @Test
  void eventsArriveWhileAListenWaits() throws Exception {
    Inbox inbox = new Inbox();
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(100);
                    inbox.add(JSON.readTree("{\"id\":\"ok\",\"type\":\"approval\"}"));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
    assertEquals(List.of("ok"), ids(await(inbox, yaml("one: {with: {type: approval}}"))));
    sender.join();
  }
}
