package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class CrashRecoveryPostgresIT extends AbstractCrashRecoveryIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.postgres(dataDir);
  }
}
