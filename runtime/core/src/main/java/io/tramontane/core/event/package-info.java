/**
 * Platform events: CloudEvents-shaped, durable, deduplicated by (source, id), read in journal
 * order. The format connectors publish in and workflows start on.
 */
package io.tramontane.core.event;
