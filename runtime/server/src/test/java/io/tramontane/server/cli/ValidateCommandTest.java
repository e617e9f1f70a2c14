package io.tramontane.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  private static final Path EXAMPLES = Path.of("..", "..", "examples", "workflows");

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void examplesAreValid() {
    Path ticket = EXAMPLES.resolve("answer-ticket.yaml");
    Path orders = EXAMPLES.resolve("sync-orders.yaml");
    Run r = run("validate", ticket.toString(), orders.toString());
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
    Run r = run("validate", EXAMPLES.resolve("triage-mail.yaml").toString(), file.toString());
    assertEquals(3, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("triage-mail.yaml: valid"), r.out());
    assertTrue(r.err().contains(file + ":4:7: task 'build': 'run'"), r.err());
    assertTrue(r.err().contains(file + ":9:13: then: 'nowhere'"), r.err());
  }

  @Test
  void unreadableFileExits2(@TempDir Path dir) {
    Path missing = dir.resolve("missing.yaml");
    Run r = run("validate", missing.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains(missing + ": cannot read"), r.err());
  }
}
