package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

/** {@link AbstractAcknowledgedCrashIT} on the PostgreSQL journal. */
class AcknowledgedCrashPostgresIT extends AbstractAcknowledgedCrashIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.postgres(dataDir);
  }
}
