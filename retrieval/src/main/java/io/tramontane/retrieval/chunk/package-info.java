/**
 * Chunking: a parsed document's paragraphs ({@link io.tramontane.retrieval.chunk.Block}s) cut into
 * {@link io.tramontane.retrieval.chunk.Piece}s that each fit the embedding model, counted with the
 * model's own tokenizer.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Chunker chunker = Ingestion.chunker(inference, "minilm", 48);   // what ingestion uses
 * List<Piece> pieces = chunker.chunk(parsed.blocks());            // ordinals 0, 1, 2, ...
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.retrieval.chunk.Block} — one paragraph with its heading path
 *       (outermost first) and its page (0 when the format has no pages); produced by {@code parse}.
 *   <li>{@link io.tramontane.retrieval.chunk.Chunker} — the cutter. {@link
 *       io.tramontane.retrieval.chunk.Chunker#counting} measures each paragraph once and adds the
 *       counts (linear in the document); the public constructor measures whole candidate texts
 *       (exact, but quadratic on long documents).
 *   <li>{@link io.tramontane.retrieval.chunk.Piece} — one chunk ready to embed: ordinal, text
 *       (paragraphs joined by blank lines), section (the first paragraph's headings joined by
 *       {@code " > "}) and page.
 * </ul>
 *
 * <h2>Rules</h2>
 *
 * Paragraphs stay whole when they fit; a chunk never crosses a heading change; a chunk after the
 * first in the same section starts with the previous chunk's last paragraph when that one is at
 * most {@code overlapTokens} long and fits beside the next one. A paragraph too long on its own is
 * cut at sentence ends, a sentence at whitespace; a single run without whitespace is kept whole and
 * the model truncates it. The pieces' text, section and page are recorded in the document log, so
 * changing these rules changes only documents ingested afterwards (a re-ingest, not a {@code
 * reindex}, applies them).
 *
 * <p>A {@code Chunker} keeps no state between calls (each {@code chunk} call has its own memo of
 * token counts), so it may be shared by threads when its measuring functions may; ingestion shares
 * one across its workers. The only caller in production is {@link
 * io.tramontane.retrieval.ingest.Ingestion}; benchmarks use it too.
 */
package io.tramontane.retrieval.chunk;
