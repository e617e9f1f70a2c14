/**
 * The HTTP edge: {@link io.tramontane.server.http.HttpEdge} declares every route in a {@code
 * RouteTable} with its access policy; one routes class per resource ({@code AgentRoutes}, {@code
 * SessionRoutes}, {@code WorkflowRoutes}, {@code WorkflowRunRoutes}, {@code EventRoutes}, {@code
 * RetrievalRoutes}, {@code ConnectorRoutes}) reads its body through {@code Bodies} and {@code Json}
 * into records of {@link io.tramontane.server.http.body} and answers with records.
 *
 * <p>Invariant: {@link io.tramontane.server.http.Problems} is the one place where an error becomes
 * an HTTP answer: every error says its {@code io.tramontane.core.error.ErrorKind}, and one switch
 * maps kinds to statuses. Routes throw; they do not choose error statuses.
 */
package io.tramontane.server.http;
