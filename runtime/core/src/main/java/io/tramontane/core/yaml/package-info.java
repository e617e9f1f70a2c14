/**
 * The platform's one hardened YAML reader, shared by agent and workflow definitions: {@link
 * io.tramontane.core.yaml.YamlReader} (size, aliases, expanded values and depth capped; core-schema
 * tags only; duplicate and merge keys refused) gives a Jackson tree and the {@link
 * io.tramontane.core.yaml.YamlLocations} of its values, or a {@link
 * io.tramontane.core.yaml.YamlException} with line, column, message and hint. Invariant: nothing is
 * constructed from a YAML tag.
 */
package io.tramontane.core.yaml;
