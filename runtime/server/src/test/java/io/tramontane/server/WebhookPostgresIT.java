package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class WebhookPostgresIT extends AbstractWebhookIT {
  @Override
  TestDatabase database(Path dataDir) {
    return TestDatabase.postgres(dataDir);
  }
}
