package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.server.http.RouteTable;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/routes.md is the one table of every route and its scope: it is checked against the route
 * table of a running server, both ways, so a route cannot be added, removed or re-scoped without
 * the reference saying so.
 */
class RoutesDocIT {

  @Test
  void docsRoutesListsEveryRouteOfTheServerWithItsScope(@TempDir Path dir) throws IOException {
    Set<String> served = new TreeSet<>();
    try (TestServer server = TestServer.start(TestDatabase.h2(dir))) {
      for (RouteTable.Spec spec : server.server().edge().routes()) {
        served.add(spec.method() + " " + spec.template() + " " + scope(spec));
      }
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(DocsTest.ROOT.resolve("docs/routes.md"))) {
      String[] cells = line.split("\\|");
      if (cells.length > 4 && cells[1].trim().matches("GET|PUT|POST|DELETE|PATCH")) {
        documented.add(
            cells[1].trim() + " " + cells[2].trim().replace("`", "") + " " + cells[3].trim());
      }
    }
    assertEquals(served, documented, "docs/routes.md and the server's routes differ");
  }

  static String scope(RouteTable.Spec spec) {
    return switch (spec.access()) {
      case PUBLIC -> "none";
      case SIGNED -> "signature";
      case API_KEY -> "`" + spec.scope() + "`";
    };
  }
}
