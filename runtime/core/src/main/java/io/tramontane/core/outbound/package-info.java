/**
 * The platform's one outbound-HTTP component, for URLs that a model, a workflow definition or a
 * connector's configuration names: {@link io.tramontane.core.outbound.OutboundHttp} (checks, DNS
 * pinning, redirects, caps) under an {@link io.tramontane.core.outbound.OutboundPolicy} (allowlist
 * of hosts and ports, private networks, limits) read from the caller's configuration block. {@link
 * io.tramontane.core.outbound.AddressPolicy} says which resolved addresses may be reached (cloud
 * metadata never; loopback and private only when the policy allows them); {@link
 * io.tramontane.core.outbound.PinnedHttpExchange} is one HTTP/1.1 exchange over a socket connected
 * to the vetted address. Invariant: no request leaves before its URL and every address of its host
 * passed the policy, on every redirect hop. Outside this package and the server's own edge, no main
 * class opens an HTTP connection (ArchitectureTest).
 */
package io.tramontane.core.outbound;
