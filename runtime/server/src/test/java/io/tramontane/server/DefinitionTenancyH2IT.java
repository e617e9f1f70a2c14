package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class DefinitionTenancyH2IT extends AbstractDefinitionTenancyIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
