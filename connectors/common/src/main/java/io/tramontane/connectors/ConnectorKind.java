package io.tramontane.connectors;

import io.tramontane.agents.tool.Tool;
import java.util.List;

/**
 * A kind of connector ({@code filesystem}, {@code sharepoint}, {@code imap} …): makes the source of
 * an instance from its settings, and the outbound actions it offers agents as tools. Kinds are
 * registered with {@code Connectors.start}; each instance is declared in configuration under {@code
 * tramontane.connectors.<name>} with {@code kind = <kind>}.
 */
public interface ConnectorKind {

  /** The name used in configuration: lower case letters, digits and '-'. */
  String kind();

  /**
   * The source for one instance; reads its kind-specific keys from {@link
   * ConnectorSettings#config()}. Bad settings are a {@link
   * io.tramontane.core.ConfigurationException} naming the key and how to fix it.
   */
  SyncSource source(ConnectorSettings settings, ConnectorResources resources);

  /**
   * The tools an instance offers agents (e.g. {@code mail.send}); side-effecting tools must
   * deduplicate on the call's idempotency key. None by default.
   */
  default List<Tool> tools(ConnectorSettings settings, ConnectorResources resources) {
    return List.of();
  }

  /** The change-notification endpoint of instance {@code name}, if the kind has one. */
  default java.util.Optional<Notifications> notifications(String name) {
    return java.util.Optional.empty();
  }
}
