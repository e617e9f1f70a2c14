/**
 * One Tramontane node: the typed ActorSystem with cluster, sharding and JDBC persistence, its
 * database, its readiness, and what an operator asks of the cluster.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * try (TramontaneSystem node = TramontaneSystem.start(config)) {  // joins itself without seeds
 *   Readiness r = node.readiness().toCompletableFuture().join();  // r.checks(): what is missing
 *   ClusterStatus s = ClusterStatus.of(node.system(), Duration.ofSeconds(3))
 *       .toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.core.system.TramontaneSystem} — starts the ActorSystem {@code
 *       pekko://tramontane} ({@link io.tramontane.core.system.TramontaneSystem#SYSTEM_NAME}), opens
 *       the database, creates the schema (retrying every 2 s in the background while the database
 *       is down), joins the cluster, and closes the database in coordinated shutdown. Refuses seed
 *       nodes naming other nodes on H2.
 *   <li>{@link io.tramontane.core.system.Readiness} — ready only when every check passed; the
 *       checks are {@code shutdown} (only while leaving), {@code cluster}, {@code schema}, {@code
 *       database} and {@code sharding} (every shard region registered with its coordinator).
 *   <li>{@link io.tramontane.core.system.ClusterStatus} — members, leader, oldest member, and
 *       shards and live entities per node for every entity type, asked within a timeout (a region
 *       that does not answer is listed as unanswered, not waited for).
 *   <li>{@link io.tramontane.core.system.ResumableSharding} — sharding settings with
 *       remember-entities stored in the journal, for entities that must resume by themselves after
 *       a crash (agent sessions, workflow runs, schedules, connector sync entities).
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>The ActorSystem name is part of every seed-node address: it does not change.
 *   <li>Every node of a cluster journals to the same database (an entity that moves must find its
 *       events), hence PostgreSQL for more than one node.
 *   <li>{@code readiness()} and {@code ClusterStatus.of} never block the caller: they answer a
 *       {@code CompletionStage}, the readiness checks running on the blocking-I/O dispatcher.
 *   <li>A remembered entity stays in memory until it passivates: it should passivate once it has
 *       nothing left to resume.
 * </ul>
 *
 * <p>Callers: the server and the CLI start the node; every module takes its {@code system()},
 * {@code database()} and {@code persistence()} from it; the HTTP edge serves readiness on {@code
 * GET /ready} and the cluster status on {@code GET /cluster}.
 */
package io.tramontane.core.system;
