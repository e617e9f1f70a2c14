package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class AgentRestPostgresIT extends AbstractAgentRestIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres(dir);
  }
}
