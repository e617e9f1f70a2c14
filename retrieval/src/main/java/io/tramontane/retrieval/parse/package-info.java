/**
 * Document parsing: bytes in, {@link io.tramontane.retrieval.chunk.Block}s and metadata out, with
 * Apache Tika behind limits and process isolation.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * try (DocumentParser parser = DocumentParser.start(ParserSettings.fromConfig(config))) {
 *   switch (parser.parse(bytes, "report.pdf", null)) {
 *     case ParseResult.Parsed p -> chunker.chunk(p.document().blocks());  // title, author, dates too
 *     case ParseResult.Failed f -> markFailed(f.reason());                 // one sentence for the user
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.retrieval.parse.DocumentParser} — the entry point: a pool of forked
 *       worker JVMs ({@link io.tramontane.retrieval.parse.ParserWorker}); a hang is killed at the
 *       timeout, an out-of-memory kills only the worker; the next document gets a fresh one.
 *   <li>{@link io.tramontane.retrieval.parse.TikaExtractor} — the same extraction in this JVM,
 *       without timeout or heap bound: for the worker itself and for benchmarks.
 *   <li>{@link io.tramontane.retrieval.parse.ParserSettings} — {@code
 *       tramontane.retrieval.parser.*}.
 * </ul>
 *
 * <h2>What a Block is</h2>
 *
 * One paragraph-like element of Tika's XHTML (p, li, td, pre, …) with whitespace collapsed, its
 * heading path (h1–h6 nested, outermost first; Markdown {@code #} headings too), and for PDFs its
 * 1-based page. Attachments (e-mail, embedded files) follow under a heading naming them.
 *
 * <h2>Limits</h2>
 *
 * Input size (refused), write limit (kept up to it, flagged {@code truncated}), attachment depth
 * and count (skipped with a warning), zip bombs (refused), external XML entities (never fetched:
 * Tika's XML readers are secure by default). Every refusal says which key to raise.
 */
package io.tramontane.retrieval.parse;
