package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class CrashRecoveryH2IT extends AbstractCrashRecoveryIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.h2(dataDir);
  }
}
