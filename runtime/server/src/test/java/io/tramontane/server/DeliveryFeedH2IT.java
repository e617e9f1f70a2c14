package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class DeliveryFeedH2IT extends AbstractDeliveryFeedIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.h2(dataDir);
  }
}
