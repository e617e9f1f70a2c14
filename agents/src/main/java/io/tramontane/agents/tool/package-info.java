/**
 * The tool SPI ({@link io.tramontane.agents.tool.Tool}, {@link io.tramontane.agents.tool.ToolCall},
 * {@link io.tramontane.agents.tool.ToolResult}, {@link io.tramontane.agents.tool.ToolRegistry}),
 * argument validation ({@link io.tramontane.agents.tool.ArgumentValidator}) and the built-in tools:
 * {@link io.tramontane.agents.tool.HttpRequestTool} ({@code http.request}, settings {@link
 * io.tramontane.agents.tool.HttpToolSettings}) and {@link io.tramontane.agents.tool.FileReadTool}
 * ({@code files.read}, settings {@link io.tramontane.agents.tool.FileToolSettings}). Refusals are
 * audited on the {@code tramontane.audit} logger. The package-private classes ({@code
 * AddressPolicy}, {@code PinnedHttpExchange}, {@code ToolAudit}, {@code UntrustedText}) are not
 * API.
 */
package io.tramontane.agents.tool;
