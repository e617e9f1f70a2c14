/**
 * The tool SPI ({@link io.tramontane.agents.tool.Tool}, {@link io.tramontane.agents.tool.ToolCall},
 * {@link io.tramontane.agents.tool.ToolResult}, {@link io.tramontane.agents.tool.ToolRegistry}),
 * argument validation ({@link io.tramontane.agents.tool.ArgumentValidator}) and the built-in tools:
 * {@link io.tramontane.agents.tool.HttpRequestTool} ({@code http.request}, settings {@link
 * io.tramontane.agents.tool.HttpToolSettings}) and {@link io.tramontane.agents.tool.FileReadTool}
 * ({@code files.read}, settings {@link io.tramontane.agents.tool.FileToolSettings}). Refusals are
 * audited on the {@code tramontane.audit} logger. {@link io.tramontane.agents.tool.AddressPolicy}
 * (which resolved addresses may be reached) and {@link
 * io.tramontane.agents.tool.PinnedHttpExchange} (one HTTP exchange over a connection to the vetted
 * address, so DNS rebinding cannot redirect it) are shared with the workflows' {@code call: http}.
 * The package-private classes ({@code ToolAudit}, {@code UntrustedText}) are not API.
 */
package io.tramontane.agents.tool;
