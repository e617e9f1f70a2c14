package io.tramontane.core.system;

import java.util.Map;

/**
 * The answer to "can this node take work?": ready only when every named check passed. The checks
 * map names each check ({@code cluster}, {@code schema}, {@code database}) and says what is wrong.
 */
public record Readiness(boolean ready, Map<String, String> checks) {}
