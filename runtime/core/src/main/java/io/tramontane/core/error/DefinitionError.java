package io.tramontane.core.error;

/**
 * One thing wrong with a definition (an agent's or a workflow's YAML): where it is and how to fix
 * it. Agents and workflows report their mistakes in this one shape, so every edge shows them alike.
 *
 * @param file the file or upload name the definition came from
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong
 * @param hint how to fix it (may be empty)
 */
public record DefinitionError(String file, int line, int column, String message, String hint) {}
