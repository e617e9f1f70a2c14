/** Ordered, resumable consumers of tagged journal events, with offsets stored transactionally. */
package io.tramontane.core.feed;
