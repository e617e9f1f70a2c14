package io.tramontane.agents.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.error.DefinitionError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent YAML: a good file loads; every mistake names file:line:column and what to change. */
class AgentDefinitionsTest {

  private final AgentDefinitions loader =
      new AgentDefinitions(
          Set.of("retrieve", "http.request")::contains, Set.of("default", "mistral")::contains);

  private static final String GOOD =
      """
      name: handbook
      description: Answers questions about the staff handbook.
      model: default
      instructions: |
        Answer from the handbook only.
      tools: [retrieve, http.request]
      collections: [handbook]
      approval: [http.request]
      limits:
        max-steps: 4
        timeout: 90s
      """;

  private AgentDefinition parse(String yaml) {
    return loader.parse("agents/a.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private String error(String yaml) {
    return assertThrows(DefinitionException.class, () -> parse(yaml)).getMessage();
  }

  @Test
  void everyMistakeIsLocatedAndSaysHowToFixIt() {
    List<String> bad =
        List.of(
            GOOD + "toolz: [a]\n",
            GOOD.replace("name: handbook", "name: Hand Book"),
            GOOD + "model: gpt-9\n",
            GOOD.replace("[retrieve, http.request]", "[retrieve, http.requst]"),
            GOOD.replace("approval: [http.request]", "approval: [files.read]"),
            GOOD.replace("max-steps: 4", "max-steps: -1"),
            GOOD.replace("timeout: 90s", "timeout: soon"),
            GOOD.replace("max-steps: 4", "max-stepz: 4"),
            GOOD + "output-schema: text\n",
            "name: x\ninstructions: [\n",
            "- a list\n",
            "description: no name\ninstructions: i\n");
    for (String yaml : bad) {
      DefinitionException e = assertThrows(DefinitionException.class, () -> parse(yaml));
      DefinitionError error = e.errors().getFirst();
      assertEquals("agents/a.yaml", error.file(), e.getMessage());
      assertFalse(error.hint().isBlank(), e.getMessage());
      assertFalse(error.message().contains(error.hint()), e.getMessage());
      assertTrue(
          e.getMessage().endsWith(error.message() + "; " + error.hint() + "."), e.getMessage());
    }
  }

  @Test
  void aGoodDefinitionLoadsWithDefaultsAndAVersion() {
    AgentDefinition d = parse(GOOD);
    assertEquals("handbook", d.name());
    assertEquals(List.of("retrieve", "http.request"), d.tools());
    assertEquals(Set.of("http.request"), d.approval());
    assertEquals(4, d.limits().maxSteps());
    assertEquals(Limits.DEFAULT.maxToolCalls(), d.limits().maxToolCalls());
    assertEquals(Duration.ofSeconds(90), d.limits().timeout());
    assertEquals(64, d.version().length());
    assertNotEquals(d.version(), parse(GOOD.replace("only.", "only!")).version());
  }

  @Test
  void mistakesNameTheirLineAndColumn() {
    assertEquals(
        "agents/a.yaml:6:1: unknown key 'toolz'; known keys: [approval, collections, description,"
            + " instructions, limits, model, name, output-schema, tools, without-approval].",
        error(GOOD.replace("tools:", "toolz:")));
    String tool = error(GOOD.replace("[retrieve, http.request]", "[retrieve, mail.send]"));
    assertTrue(tool.startsWith("agents/a.yaml:6:19: tool 'mail.send' is not registered"), tool);
    String limit = error(GOOD.replace("max-steps: 4", "max-step: 4"));
    assertTrue(limit.startsWith("agents/a.yaml:10:3: unknown limit 'max-step'"), limit);
    String duration = error(GOOD.replace("90s", "soon"));
    assertTrue(
        duration.startsWith("agents/a.yaml:11:12: 'timeout' must be a positive duration"),
        duration);
    String model = error(GOOD.replace("model: default", "model: gpt-9"));
    assertTrue(model.startsWith("agents/a.yaml:3:8: model 'gpt-9' is not configured"), model);
    String approval = error(GOOD.replace("approval: [http.request]", "approval: [retrieve2]"));
    assertTrue(
        approval.contains(":8:12:") && approval.contains("not in this agent's tools"), approval);
    String syntax = error("name: x\ntools: [retrieve\n");
    assertTrue(syntax.matches("agents/a\\.yaml:\\d+:\\d+: .*\\(YAML syntax\\); .*"), syntax);
    assertTrue(error("name: x\n").contains("'instructions' is required"));
    assertTrue(error("- a\n- b\n").contains("is a YAML mapping"));
  }

  @Test
  void anAliasBombIsRefusedQuickly() {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'z'; c++) {
      char p = (char) (c - 1);
      bomb.append(c)
          .append(": &")
          .append(c)
          .append(" [*")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append(", *")
          .append(p)
          .append("]\n");
    }
    long started = System.nanoTime();
    String message = error(bomb.toString());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5, "refused fast");
    assertTrue(message.startsWith("agents/a.yaml:"), message);
  }

  @Test
  void aDirectoryLoadsEveryFileAndRefusesDuplicatesAndHugeFiles(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("handbook.yaml"), GOOD);
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    assertEquals(Set.of("handbook"), loader.loadDirectory(dir).keySet());
    Files.writeString(dir.resolve("copy.yml"), GOOD);
    assertTrue(
        assertThrows(DefinitionException.class, () -> loader.loadDirectory(dir))
            .getMessage()
            .contains("is already used by"));
    Files.delete(dir.resolve("copy.yml"));
    Files.writeString(dir.resolve("huge.yaml"), "x: " + "y".repeat(AgentDefinitions.MAX_BYTES));
    assertTrue(
        assertThrows(DefinitionException.class, () -> loader.loadDirectory(dir))
            .getMessage()
            .contains("over 256 KiB"));
  }

  @Test
  void toolsThatActForAPersonWaitForApprovalUnlessTheDefinitionSaysOtherwise() {
    AgentDefinitions withMail =
        new AgentDefinitions(
            Set.of("retrieve", "mail.send")::contains,
            Set.of("default")::contains,
            "mail.send"::equals);
    String yaml =
        """
        name: desk
        instructions: Answer mail.
        tools: [retrieve, mail.send]
        """;
    AgentDefinition d = withMail.parse("agents/d.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertEquals(Set.of("mail.send"), d.approval(), "approval by default");
    AgentDefinition trusted =
        withMail.parse(
            "agents/d.yaml",
            (yaml + "without-approval: [mail.send]\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(Set.of(), trusted.approval());
    String both =
        assertThrows(
                DefinitionException.class,
                () ->
                    withMail.parse(
                        "agents/d.yaml",
                        (yaml + "approval: [mail.send]\nwithout-approval: [mail.send]\n")
                            .getBytes(StandardCharsets.UTF_8)))
            .getMessage();
    assertTrue(both.contains("both under approval and without-approval"), both);
    assertTrue(
        error(GOOD + "without-approval: [file.read]\n").contains("not in this agent's tools"));
  }
}
