/**
 * The tool SPI ({@link io.tramontane.agents.tool.Tool}, {@link io.tramontane.agents.tool.ToolCall},
 * {@link io.tramontane.agents.tool.ToolResult}, {@link io.tramontane.agents.tool.ToolRegistry}),
 * argument validation ({@link io.tramontane.agents.tool.ArgumentValidator}) and the built-in tools:
 * {@link io.tramontane.agents.tool.HttpRequestTool} ({@code http.request}, settings {@link
 * io.tramontane.agents.tool.HttpToolSettings}) and {@link io.tramontane.agents.tool.FileReadTool}
 * ({@code files.read}, settings {@link io.tramontane.agents.tool.FileToolSettings}). Refusals are
 * audited through {@link io.tramontane.core.audit.Audit}. {@code http.request} goes out through the
 * platform's one outbound-HTTP component ({@link io.tramontane.core.outbound.OutboundHttp}), like
 * the workflows' {@code call: http}; {@code retrieve} searches through LangChain4j's {@code
 * ContentRetriever} port. The package-private classes ({@code ToolAudit}, {@code UntrustedText},
 * {@code HttpAnswer}) are not API.
 */
package io.tramontane.agents.tool;
