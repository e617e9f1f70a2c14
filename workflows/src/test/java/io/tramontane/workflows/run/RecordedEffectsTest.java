package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each version of a run's effects sees only what was recorded up to it, like a copied map. */
class RecordedEffectsTest {

  @Test
  void anOlderVersionDoesNotSeeWhatWasAddedAfterIt() {
    RecordedEffects one = RecordedEffects.of(Map.of()).with("a#1", "1");
    RecordedEffects two = one.with("b#1", "2");
    assertEquals(Map.of("a#1", "1"), one);
    assertFalse(one.containsKey("b#1"));
    assertNull(one.get("b#1"));
    assertEquals(Map.of("a#1", "1", "b#1", "2"), two);
  }

  @Test
  void addingToAnOlderVersionOrAKeyAgainLeavesTheOthersAsTheyWere() {
    RecordedEffects one = RecordedEffects.of(Map.of("a#1", "1"));
    RecordedEffects two = one.with("b#1", "2");
    RecordedEffects branch = one.with("c#1", "3");
    RecordedEffects again = two.with("a#1", "9");
    assertEquals(Map.of("a#1", "1", "b#1", "2"), two);
    assertEquals(Map.of("a#1", "1", "c#1", "3"), branch);
    assertEquals(Map.of("a#1", "9", "b#1", "2"), again);
    assertEquals(Map.of("a#1", "1"), one);
  }

  @Test
  void itIsWrittenAsAPlainMap() {
    ObjectMapper json = new ObjectMapper();
    RecordedEffects effects = RecordedEffects.of(Map.of()).with("a#1", "{\"ok\":1}");
    assertEquals(json.valueToTree(Map.of("a#1", "{\"ok\":1}")), json.valueToTree(effects));
  }
}
