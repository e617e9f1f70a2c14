/**
 * The workflows' call-handler SPI: {@link io.tramontane.workflows.call.CallHandler} is what {@code
 * call: <function>} does on a node, given a {@link io.tramontane.workflows.call.CallHandler.Call}
 * (run, tenant, idempotency key, task). The module answers {@code call: http} itself ({@link
 * io.tramontane.workflows.call.HttpCall}, through core's outbound-HTTP component under {@code
 * tramontane.workflows.http}) and {@code call: openapi} ({@link
 * io.tramontane.workflows.call.OpenApiCall}, the same component); the server wires {@code call:
 * agent} and {@code call: retrieve}, so workflows depend on neither agents nor retrieval.
 * Invariant: a handler acts for the run's tenant and no user.
 */
package io.tramontane.workflows.call;
