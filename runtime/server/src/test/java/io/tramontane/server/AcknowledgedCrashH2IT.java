package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

/** {@link AbstractAcknowledgedCrashIT} on the embedded H2 journal. */
class AcknowledgedCrashH2IT extends AbstractAcknowledgedCrashIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.h2(dataDir);
  }
}
