package io.tramontane.retrieval.chunk;

/**
 * One chunk ready to embed.
 *
 * @param ordinal position in the document, from 0
 * @param text paragraphs joined by blank lines
 * @param section the heading path of its first paragraph, joined by " > "
 * @param page the page its first paragraph starts on
 */
public record Piece(int ordinal, String text, String section, int page) {}
