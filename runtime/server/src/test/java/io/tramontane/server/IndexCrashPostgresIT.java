package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class IndexCrashPostgresIT extends AbstractIndexCrashIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.postgres(dir);
  }
}
