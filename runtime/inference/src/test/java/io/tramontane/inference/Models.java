package io.tramontane.inference;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Test configurations: the module's reference.conf with overrides. */
final class Models {
  private Models() {}

  static Config config(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  static InferenceRuntime start(String overrides) {
    return InferenceRuntime.start(config(overrides));
  }
}
