package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class DefinitionTenancyPostgresIT extends AbstractDefinitionTenancyIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres(dir);
  }
}
