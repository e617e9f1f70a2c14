/**
 * The connector shape every source follows: {@link io.tramontane.connectors.ConnectorSettings}
 * (declared in configuration), a {@link io.tramontane.connectors.SyncSource} run by one persistent
 * sync entity per instance that holds its checkpoint and status, and outbound actions as agent
 * tools ({@link io.tramontane.connectors.ConnectorKind#tools}).
 */
package io.tramontane.connectors;
