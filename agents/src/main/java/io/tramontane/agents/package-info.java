/**
 * Agents: sharded, event-sourced sessions that call a language model and tools, with the tool
 * allowlist, approvals and budgets enforced in code. {@code tool} is the SPI other modules register
 * into; {@code definition} loads agent YAML; {@code model} builds LangChain4j chat models (or the
 * extractive responder when none is configured); {@code session} is the entity and its service.
 */
package io.tramontane.agents;
