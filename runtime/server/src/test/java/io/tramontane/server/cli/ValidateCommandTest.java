package io.tramontane.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private static final Path EXAMPLES = Path.of("..", "..", "examples", "workflows");

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void examplesAreValid() {
    Path ticket = EXAMPLES.resolve("answer-ticket.yaml");
    Path orders = EXAMPLES.resolve("sync-orders.yaml");
    CliRun r = run("validate", ticket.toString(), orders.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().contains(ticket + ": valid (support/answer-ticket 1.0.0, 2 tasks)"), r.out());
    assertTrue(r.out().contains(orders + ": valid (erp/sync-orders 1.2.0, 5 tasks)"), r.out());
  }

  @Test
  void invalidFilePrintsLocatedProblemsAndExits3(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        document: {dsl: '1.0.0', namespace: test, name: bad, version: '1.0.0'}
        do:
          - build:
              run:
                shell:
                  command: make
          - next:
              set: {a: 1}
              then: nowhere
        """);
    CliRun r = run("validate", EXAMPLES.resolve("triage-mail.yaml").toString(), file.toString());
    assertEquals(3, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("triage-mail.yaml: valid"), r.out());
    assertTrue(r.err().contains(file + ":5:9: task 'build': run: shell is not supported"), r.err());
    assertTrue(r.err().contains(file + ":9:13: then: 'nowhere'"), r.err());
  }

  @Test
  void unreadableFileExits2(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");
    CliRun r = run("validate", missing.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(missing + ": cannot read"), r.err());
  }
}
