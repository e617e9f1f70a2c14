package io.tramontane.agents.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tool names offered to models match every provider's pattern and map back without ambiguity. */
class ToolNamesTest {

  @Test
  void dottedNamesBecomeValidAndMapBack() {
    ToolNames names = ToolNames.of(List.of("http.request", "files.read", "retrieve"));
    assertEquals("http_request", names.offered("http.request"));
    assertEquals("files_read", names.offered("files.read"));
    assertEquals("retrieve", names.offered("retrieve"));
    assertEquals("http.request", names.tool("http_request"));
    assertEquals("retrieve", names.tool("retrieve"));
    // A name the model made up stays as written (policy refuses it later).
    assertEquals("http.request", names.tool("http.request"));
    assertEquals("shell_exec", names.tool("shell_exec"));
  }

  @Test
  void collisionsAreResolvedTheSameWayEveryTime() {
    List<String> tools = List.of("mail.send", "mail_send", "mail.send_2", "a." + "x".repeat(70));
    ToolNames names = ToolNames.of(tools);
    Set<String> offered = new HashSet<>();
    for (String t : tools) {
      String o = names.offered(t);
      assertTrue(ToolNames.OFFERED.matcher(o).matches(), o);
      assertTrue(offered.add(o), "offered twice: " + o);
      assertEquals(t, names.tool(o));
    }
    assertEquals("mail_send", names.offered("mail_send"), "a valid name keeps itself");
    ToolNames again =
        ToolNames.of(List.of("a." + "x".repeat(70), "mail.send_2", "mail_send", "mail.send"));
    for (String t : tools) {
      assertEquals(names.offered(t), again.offered(t), "independent of the order");
    }
  }

  @Test
  void loneSurrogatesAreFoundAndRepaired() {
    assertEquals(-1, WellFormedText.loneSurrogate("ok \uD83D\uDE00"));
    assertEquals(4, WellFormedText.loneSurrogate("pay \uD800 now"));
    assertEquals(1, WellFormedText.loneSurrogate("a\uDC00"));
    assertEquals("a\uFFFDb\uD83D\uDE00", WellFormedText.repaired("a\uD800b\uD83D\uDE00"));
  }
}
