package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class IndexCrashH2IT extends AbstractIndexCrashIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
