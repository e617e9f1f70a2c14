/**
 * The request and response bodies of the HTTP API, as records Jackson maps: one holder per resource
 * ({@link io.tramontane.server.http.body.AgentBodies}, {@link
 * io.tramontane.server.http.body.SessionBodies}, {@link
 * io.tramontane.server.http.body.WorkflowBodies}, {@link
 * io.tramontane.server.http.body.RetrievalBodies}, {@link
 * io.tramontane.server.http.body.ConnectorBodies}, {@link
 * io.tramontane.server.http.body.NodeBodies}), the CloudEvents request ({@link
 * io.tramontane.server.http.body.CloudEvent}), {@link io.tramontane.server.http.body.Status} for
 * answers that only say what happened, and {@link io.tramontane.server.http.body.ProblemBody} for
 * every error.
 *
 * <p>Invariants: a record's components are the JSON members clients see, in name and type (this is
 * what an OpenAPI description is generated from); a request record checks its own values in its
 * constructor and refuses with an {@code InvalidRequestException} naming the member; requests are
 * read strictly by {@code http.Json} (unknown members and wrong types are refused, never ignored or
 * coerced).
 */
package io.tramontane.server.http.body;
