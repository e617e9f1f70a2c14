package io.tramontane.server.cli;

import io.tramontane.agents.Agents;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.server.TramontaneServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The demo's steps over the retrieval, agent, workflow and connector parts of a running node, each
 * printing what it did and how to do it by hand.
 */
final class DemoSteps {

  private DemoSteps() {}

  /**
   * The shipped embedding model and the retrieval pipeline, on this machine, with nothing
   * downloaded: three short documents are ingested (parsed, chunked, embedded, logged, indexed) and
   * searched in hybrid mode.
   */
  static void showRetrieval(PrintWriter out, TramontaneServer server) {
    Map<String, String> documents = new LinkedHashMap<>();
    documents.put("invoices.txt", "Invoices are paid within 30 days of receipt by bank transfer.");
    documents.put(
        "sailings.txt", "The cargo ship leaves Marseille for Genoa every Tuesday at dawn.");
    documents.put("leave.txt", "Employees book their annual leave in the HR portal.");
    String query = "When will my invoice be paid?";
    long started = System.nanoTime();
    Retrieval retrieval = server.modules().retrieval();
    for (Map.Entry<String, String> d : documents.entrySet()) {
      retrieval
          .ingestion()
          .ingest(
              SourceDocument.of(
                  "demo",
                  "demo",
                  d.getKey(),
                  Set.of(),
                  true,
                  d.getKey(),
                  d.getValue().getBytes(StandardCharsets.UTF_8)))
          .toCompletableFuture()
          .join();
    }
    retrieval.awaitIndexed("demo").toCompletableFuture().join();
    List<Hit> hits =
        retrieval
            .search("demo", new Caller("demo", Set.of()), SearchMode.HYBRID, query, 3)
            .toCompletableFuture()
            .join();
    InferenceRuntime.ModelInfo model =
        server.modules().inference().model(retrieval.settings().embeddingModel());
    out.printf(
        "5. Shipped model         %s (%d dimensions) on %s; 3 documents ingested and searched in"
            + " %d ms; \"%s\" ranks:%n",
        model.name(),
        model.dimension(),
        model.device(),
        (System.nanoTime() - started) / 1_000_000,
        query);
    for (Hit h : hits) {
      out.printf("     %d. %s  (%s)%n", h.rank(), h.text(), h.documentId());
    }
  }

  /**
   * A signed webhook on the {@code tickets} trigger starts the {@code demo-ticket} workflow, which
   * asks the demo agent and posts the cited answer to a callback on loopback.
   */
  static void showWorkflow(PrintWriter out, int port, String secret, DemoCallback callback)
      throws IOException, InterruptedException {
    String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
    long ts = Instant.now().getEpochSecond();
    String body = "{\"ticket\": {\"id\": 42, \"question\": \"When will my invoice be paid?\"}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest hook =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/tickets"))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(ts))
            .header(
                "webhook-signature",
                StandardWebhooksScheme.sign(
                    StandardWebhooksScheme.decodeSecret(secret), id, ts, bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(hook, HttpResponse.BodyHandlers.ofString());
    String reply = callback.await(Duration.ofSeconds(60));
    out.printf(
        "7. Workflow 'demo-ticket'  POST /hooks/tickets -> %d; the run asked agent 'demo' and"
            + " posted to the callback:%n     %s%n",
        r.statusCode(),
        reply == null
            ? "(no callback within 60 s)"
            : reply.length() > 300 ? reply.substring(0, 300) + "…" : reply);
  }

  /**
   * The demo corpus, indexed by the {@code handbook} file-system connector: its status once the
   * initial pass is done, and a search over what it brought.
   */
  static void showConnector(
      PrintWriter out, TramontaneServer server, Path folder, Path corpus, Path apiKey)
      throws InterruptedException {
    if (folder == null) {
      out.printf(
          "8. Folder connector      skipped: there is no folder %s here (--corpus <folder>)%n",
          corpus);
      out.flush();
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    io.tramontane.connectors.ConnectorStatus st =
        server.modules().connectors().status("handbook").toCompletableFuture().join();
    while (st.lastSuccess() == null && System.nanoTime() < deadline) {
      Thread.sleep(200);
      st = server.modules().connectors().status("handbook").toCompletableFuture().join();
    }
    server.modules().retrieval().awaitIndexed("handbook").toCompletableFuture().join();
    String query = "how many days of holiday do I get";
    List<Hit> hits =
        server
            .modules()
            .retrieval()
            .search("handbook", new Caller("demo", Set.of()), SearchMode.HYBRID, query, 1)
            .toCompletableFuture()
            .join();
    out.printf(
        "8. Folder connector      %s -> collection 'handbook': %s, %d document(s) synced, %d"
            + " failed; \"%s\" -> %s%n",
        folder,
        st.state(),
        st.documentsSynced(),
        st.itemsFailed(),
        query,
        hits.isEmpty() ? "-" : hits.getFirst().documentId());
    out.println(
        "     Add, edit or delete a file there: the connector's watch re-syncs it within a second.");
    out.println(
        "     curl -s -H \"Authorization: Bearer $(cat "
            + apiKey
            + ")\" http://127.0.0.1:"
            + server.port()
            + "/connectors/handbook");
    out.flush();
  }

  /** An agent over the demo documents answers with citations, with no language model. */
  static void showAgent(PrintWriter out, TramontaneServer server) {
    Agents agents = server.modules().agents();
    agents.define(
        "demo",
        "demo agent",
        ("name: demo\n"
                + "description: Answers from the demo documents.\n"
                + "instructions: Answer from the documents and cite them.\n"
                + "tools: [retrieve]\n"
                + "collections: [demo]\n")
            .getBytes(StandardCharsets.UTF_8));
    Agents.Answer answer =
        agents
            .ask(
                "demo", "demo", "demo-" + UUID.randomUUID(), "When is the ship to Genoa?", Set.of())
            .toCompletableFuture()
            .join();
    String first = answer.text().lines().findFirst().orElse("");
    out.printf(
        "6. Agent 'demo' (no LLM)  \"When is the ship to Genoa?\" -> %d citation(s), first: %s%n",
        answer.citations().size(),
        answer.citations().isEmpty() ? "-" : answer.citations().getFirst().documentId());
    out.println("     " + first);
  }
}
