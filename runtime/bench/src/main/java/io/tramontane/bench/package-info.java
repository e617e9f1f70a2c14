/**
 * Benchmarks behind {@code tramontane bench <name>} (design/BENCHMARKS.md). Each one measures our
 * path and a baseline in the same run, prints a table with absolute numbers, the ratio, {@code
 * nproc} and the CPU model, and writes the same figures as JSON ({@code target/bench/<name>.json}
 * unless {@code --out} says otherwise). Benchmarks are commands, never tests: nothing here is timed
 * by CI.
 *
 * <ul>
 *   <li>{@link io.tramontane.bench.IngestBench} (P2): europarl documents through the full ingestion
 *       path against embed-only, and the text path against plain Lucene indexing.
 *   <li>{@link io.tramontane.bench.SearchBench} (P3): BM25, kNN and hybrid search at 1 and 2
 *       clients against a plain {@code IndexSearcher}; kNN recall@10 against exact kNN.
 *   <li>{@link io.tramontane.bench.QualityBench} (P4): known-item MRR@10 of BM25, dense and hybrid
 *       search on held-out europarl sentences.
 *   <li>{@link io.tramontane.bench.JournalBench} (P5): agent steps persisted by 1, 100 and 1,000
 *       entities on H2 and PostgreSQL against an fsync probe.
 *   <li>{@link io.tramontane.bench.RecoveryBench} (P8): 10,000 entities × 20 events, then cold
 *       starts of fresh node JVMs ({@link io.tramontane.bench.RecoveryNode}, launched by {@link
 *       io.tramontane.bench.RecoveryCluster}): one node, and a 3-node cluster on PostgreSQL, until
 *       every entity has replayed its events; P5's load on the same JVMs.
 *   <li>{@link io.tramontane.bench.WebhookBench} (P6): signed webhooks through the real HTTP edge,
 *       dedup entity and journal, driven by {@code wrk}, against a bare {@code GET /health}.
 * </ul>
 */
package io.tramontane.bench;
