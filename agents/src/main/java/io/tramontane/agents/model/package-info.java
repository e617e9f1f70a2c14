/**
 * Language models for agents, by name.
 *
 * <p>{@link io.tramontane.agents.model.ModelProviders#fromConfig} reads {@code
 * tramontane.agents.models} (see {@code reference.conf}) and builds one LangChain4j {@link
 * dev.langchain4j.model.chat.ChatModel} per entry with the provider's official module: Mistral, any
 * OpenAI-compatible server (OpenAI, vLLM, LM Studio, llama.cpp server) or Ollama, all on the JDK
 * HTTP client. {@code ChatModel} is the port; nothing here imitates it.
 *
 * <p>{@code extractive} is reserved for the extractive responder, which answers from retrieval
 * without a model and is provided by the caller. {@code default} is the configured entry of that
 * name, else the provider the environment names ({@code MISTRAL_API_KEY}, {@code
 * TRAMONTANE_OPENAI_BASE_URL}, {@code OLLAMA_BASE_URL}, in that order), else the extractive
 * responder.
 *
 * <p>Keys come only from {@code env:} or {@code file:} references, are never logged, and are
 * removed from the messages of the exceptions a model throws (a server or proxy may echo them).
 *
 * <p>Tests: {@code ModelProvidersTest} (configuration and the {@code default} rules) and the {@code
 * *ReplayIT}s, which drive the real clients against a loopback server replaying each vendor's
 * documented chat payloads (Mistral, OpenAI-compatible, Ollama).
 */
package io.tramontane.agents.model;
