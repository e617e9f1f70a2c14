package io.tramontane.server;

import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Path;

class WorkflowRunsH2IT extends AbstractWorkflowRunsIT {
  @Override
  TestDatabase database(Path dir) {
    return TestDatabase.h2(dir);
  }
}
