/**
 * Stored definitions (agents, workflows): one event-sourced entity per tenant and name, every
 * version kept by content hash, changes announced to every node.
 */
package io.tramontane.core.definition;
