package io.tramontane.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** What an outside tester of the command line ran into: bad values, config types, help texts. */
class CliMistakesTest {

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void aPortOutOfRangeIsNamedWithItsOptionBeforeAnythingStarts() {
    for (String[] args :
        List.of(
            new String[] {"serve", "--port", "99999", "--cluster-port", "0"},
            new String[] {"serve", "--port", "99999"},
            new String[] {"serve", "--cluster-port", "70000"},
            new String[] {"demo", "--port", "-1", "--exit"})) {
      CliRun r = run(args);
      String option = args[1];
      String line = r.err().lines().findFirst().orElse("");
      assertEquals(2, r.exit(), r.err());
      assertTrue(line.contains(option) && line.contains(args[2]), r.err());
      assertTrue(line.contains("0-65535") && line.contains("0 = any free port"), r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("cluster port is"), r.err());
    }
  }

  @Test
  void aWrongTypeInTheConfigurationNamesTheKeyAndTheFileLine(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "# ports\ntramontane.server.port = \"eighty\"\n");
    for (String[] args :
        List.of(
            new String[] {"runs", "list", "approval", "--config", conf.toString()},
            new String[] {
              "serve",
              "--cluster-port",
              "0",
              "--config",
              conf.toString(),
              "--data-dir",
              dir.resolve("data").toString()
            })) {
      CliRun r = run(args);
      assertEquals(2, r.exit(), r.err());
      String line = r.err().lines().findFirst().orElse("");
      assertTrue(line.contains("tramontane.server.port"), r.err());
      assertTrue(line.contains("must be a number"), r.err());
      assertTrue(line.contains("bad.conf:2"), r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("com.typesafe"), r.err());
    }
  }

  private static List<CommandSpec> commands(CommandSpec spec) {
    List<CommandSpec> all = new ArrayList<>(List.of(spec));
    spec.subcommands().values().forEach(c -> all.addAll(commands(c.getCommandSpec())));
    return all;
  }

  private static List<CommandSpec> allCommands() {
    return commands(new CommandLine(new Main()).getCommandSpec());
  }

  @Test
  void everyPositionalParameterIsDescribed() {
    for (CommandSpec c : allCommands()) {
      for (var p : c.positionalParameters()) {
        assertTrue(
            p.description().length > 0 && !p.description()[0].isBlank(),
            c.qualifiedName() + " " + p.paramLabel() + " has no description");
      }
    }
  }

  @Test
  void helpTextsAreWholeSentencesThatPicocliWraps() {
    for (CommandSpec c : allCommands()) {
      List<String> texts = new ArrayList<>(List.of(c.usageMessage().description()));
      for (ArgSpec a : c.args()) {
        texts.addAll(List.of(a.description()));
      }
      for (String t : texts) {
        assertTrue(
            t.isEmpty() || t.matches("(?s).*[.:?)]$"),
            c.qualifiedName() + ": a line break inside a sentence: '" + t + "'");
        assertFalse(t.contains("see README, Configuration"), c.qualifiedName() + ": " + t);
      }
    }
  }

  @Test
  void eachCommandNamesOnlyTheApiKeyScopesItNeeds() {
    CliRun cluster = run("cluster", "--help");
    assertTrue(cluster.out().contains("cluster:read"), cluster.out());
    assertFalse(cluster.out().contains("workflows:"), cluster.out());
    for (String sub : List.of("list", "show", "watch", "cancel", "approve")) {
      CliRun runs = run("runs", sub, "--help");
      assertTrue(runs.out().contains("workflows:"), runs.out());
      assertFalse(runs.out().contains("cluster:read"), runs.out());
    }
    assertTrue(run("runs", "cancel", "--help").out().contains("workflows:run"));
  }

  @Test
  void demoSaysWhatItWalksThrough() {
    String help = run("demo", "--help").out();
    for (String part : List.of("search", "agent", "workflow", "connector")) {
      assertTrue(help.contains(part), help);
    }
  }

  @Test
  void runAndValidateAgreeOnTheExitCodeOfAnInvalidDefinition(@TempDir Path dir) throws Exception {
    Path flow = dir.resolve("broken.yaml");
    Files.writeString(
        flow,
        """
        document: {dsl: '1.0.0', namespace: t, name: broken, version: '1.0.0'}
        do:
          - greet: {sett: {greeting: hello}}
        """);
    CliRun validate = run("validate", flow.toString());
    CliRun local = run("run", flow.toString(), "--data-dir", dir.resolve("data").toString());
    assertEquals(3, validate.exit(), validate.err());
    assertEquals(3, local.exit(), local.err());
    assertTrue(local.err().contains("broken.yaml:3:"), local.err());
    assertEquals(2, run("run", dir.resolve("missing.yaml").toString()).exit());
    for (String command : List.of("run", "validate")) {
      String help = run(command, "--help").out().replaceAll("\\s+", " ");
      assertTrue(help.contains("3 invalid definition"), help);
      assertTrue(help.contains("2 usage error or unreadable file"), help);
    }
  }

  @Test
  void askingAnUnknownAgentOfflineNamesTheAgentsThatExist(@TempDir Path dir) {
    CliRun r =
        run(
            "ask",
            "nosuchagent",
            "hello?",
            "--agents",
            Path.of("..", "..", "examples", "agents").toString(),
            "--data-dir",
            dir.toString());
    assertEquals(2, r.exit(), r.err());
    assertFalse(r.err().contains("GET /agents"), r.err());
    assertTrue(r.err().contains("nosuchagent") && r.err().contains("handbook"), r.err());
  }

  @Test
  void benchWithoutTheBenchModuleSaysWhereItIs() {
    for (String[] args : List.of(new String[] {"bench"}, new String[] {"bench", "--help"})) {
      CliRun r = run(args);
      assertEquals(2, r.exit(), r.out() + r.err());
      assertTrue(
          r.err().contains("runtime/bench") && r.err().contains("./tramontane bench"), r.err());
      assertFalse(r.out().contains("Usage: tramontane "), r.out());
    }
  }

  @Test
  void aPortOutOfRangeInTheConfigurationIsNamedWithItsKeyAndLine(@TempDir Path dir)
      throws Exception {
    Path conf = dir.resolve("ports.conf");
    Files.writeString(conf, "tramontane.cluster.port = 0\ntramontane.server.port = 99999\n");
    CliRun r = run("serve", "--config", conf.toString(), "--data-dir", dir.toString());
    assertEquals(2, r.exit(), r.err());
    String line = r.err().lines().findFirst().orElse("");
    assertTrue(line.contains("tramontane.server.port") && line.contains("99999"), r.err());
    assertTrue(line.contains("ports.conf:2") && line.contains("0-65535"), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("unexpected"), r.err());
  }
}
