package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.agents.Agents;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.server.TramontaneServer;
import io.tramontane.server.http.HttpEdge;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tramontane demo}: a node on the embedded defaults (H2 under {@code data/demo}) with one
 * demo trigger and one API key whose secrets are generated on first start and kept in files. It
 * sends itself a signed webhook, repeats it to show deduplication, reads its status, prints what
 * the feed delivers, and shows the curl commands to do the same by hand.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run a node on the embedded defaults and walk through a signed webhook.")
final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--cluster-port",
      description =
          "Cluster (Artery) port (default: tramontane.cluster.port, env TRAMONTANE_CLUSTER_PORT,"
              + " 25520; 0 picks a free one).")
  Integer clusterPort;

  @Option(names = "--data-dir", description = "Demo state (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data", "demo");

  @Option(names = "--exit", description = "Stop after the walk-through instead of serving.")
  boolean exit;

  @Option(
      names = "--corpus",
      description =
          "Folder kept in sync by the demo's file-system connector (default: ${DEFAULT-VALUE}).")
  Path corpus = Path.of("examples", "handbook");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path hookSecret = secretFile(dir.resolve("hook-secret"), () -> "whsec_" + randomBase64(24));
    Path apiKey = secretFile(dir.resolve("api-key"), () -> "demo_" + randomHex(24));

    // Step 7's callback receiver, and the workflow that posts to it.
    DemoCallback callback = DemoCallback.start();
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(
        workflows.resolve("demo-ticket.yaml"), DemoCallback.workflow(callback.port()));

    Map<String, Object> overrides = new java.util.HashMap<>();
    overrides.put(
        "tramontane.intake.triggers.tickets",
        Map.of(
            "tenant", "demo",
            "scheme", "standard-webhooks",
            "secrets", List.of("file:" + hookSecret)));
    overrides.put("tramontane.workflows.dir", workflows.toString());
    // The demo's definitions belong to its tenant, like its trigger and API key.
    overrides.put("tramontane.workflows.tenant", "demo");
    overrides.put("tramontane.agents.tenant", "demo");
    overrides.put("tramontane.workflows.triggers.tickets", "demo-ticket");
    overrides.put("tramontane.workflows.http.allowed-hosts", List.of("127.0.0.1"));
    overrides.put("tramontane.workflows.http.allow-private-networks", true);
    Path folder = corpus.toAbsolutePath().normalize();
    boolean withCorpus = Files.isDirectory(folder);
    if (withCorpus) {
      // Step 8: the demo corpus, kept in sync by a file-system connector (initial scan + watch).
      overrides.put(
          "tramontane.connectors.handbook",
          Map.of(
              "kind", "filesystem",
              "tenant", "demo",
              "collection", "handbook",
              "public", true,
              "path", folder.toString()));
    }
    overrides.putAll(
        Map.of(
            "tramontane.data-dir", dir.toString(),
            "tramontane.database.kind", "h2",
            "tramontane.server.port", port,
            "tramontane.intake.triggers.demo",
                Map.of(
                    "tenant", "demo",
                    "scheme", "standard-webhooks",
                    "secrets", List.of("file:" + hookSecret)),
            "tramontane.server.api-keys.demo",
                Map.of(
                    "tenant",
                    "demo",
                    "scopes",
                    List.of(
                        HttpEdge.SCOPE_DELIVERIES_READ,
                        HttpEdge.SCOPE_TRIGGERS_READ,
                        "documents:read",
                        "documents:write",
                        "search",
                        "agents:read",
                        "agents:use",
                        "agents:approve",
                        "connectors:read",
                        "connectors:write"),
                    "key",
                    "file:" + apiKey)));
    if (clusterPort != null) {
      overrides.put("tramontane.cluster.port", clusterPort);
    }
    ConfigOptions options = new ConfigOptions();
    Config config = options.load(overrides);
    TramontaneServer server = TramontaneServer.start(config);
    var subscription =
        server
            .deliveryFeed()
            .subscribe(
                "demo-printer",
                (tx, d) -> {
                  out.printf(
                      "  feed   -> delivery %s on trigger '%s' (%d bytes) handed to consumers%n",
                      d.deliveryId(), d.trigger(), d.payload().length);
                  out.flush();
                });
    try {
      walkThrough(
          out,
          server,
          server.port(),
          Files.readString(hookSecret).strip(),
          apiKey,
          hookSecret,
          callback);
      showConnector(out, server, withCorpus ? folder : null, apiKey);
      if (exit) {
        Thread.sleep(1500); // let the feed print the delivery
        subscription.stop();
        callback.close();
        server.close();
        return 0;
      }
      out.println();
      out.println("Serving on http://127.0.0.1:" + server.port() + " — Ctrl-C to stop.");
      out.flush();
      server.node().system().getWhenTerminated().toCompletableFuture().join();
      return 0;
    } catch (RuntimeException | IOException | InterruptedException e) {
      server.close();
      throw e;
    }
  }

  private void walkThrough(
      PrintWriter out,
      TramontaneServer server,
      int port,
      String secret,
      Path apiKey,
      Path hookSecret,
      DemoCallback callback)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;
    String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
    long ts = Instant.now().getEpochSecond();
    String body = "{\"event\":\"invoice.paid\",\"invoice\":\"INV-2026-0042\",\"amount\":1250}";
    String signature =
        StandardWebhooksScheme.sign(
            StandardWebhooksScheme.decodeSecret(secret),
            id,
            ts,
            body.getBytes(StandardCharsets.UTF_8));
    HttpRequest hook =
        HttpRequest.newBuilder(URI.create(base + "/hooks/demo"))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(ts))
            .header("webhook-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    out.println();
    out.println("Tramontane demo — node on " + base + ", journal in H2 under " + dataDir);
    out.println();
    HttpResponse<String> first = http.send(hook, HttpResponse.BodyHandlers.ofString());
    out.println(
        "1. Signed webhook        POST /hooks/demo -> " + first.statusCode() + " " + first.body());
    HttpResponse<String> again = http.send(hook, HttpResponse.BodyHandlers.ofString());
    out.println(
        "2. Same delivery again   POST /hooks/demo -> " + again.statusCode() + " " + again.body());
    HttpRequest tampered =
        HttpRequest.newBuilder(URI.create(base + "/hooks/demo"))
            .header("content-type", "application/json")
            .header("webhook-id", id + "x")
            .header("webhook-timestamp", Long.toString(ts))
            .header("webhook-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofString(body.replace("1250", "9999")))
            .build();
    HttpResponse<String> bad = http.send(tampered, HttpResponse.BodyHandlers.ofString());
    out.println(
        "3. Tampered body         POST /hooks/demo -> " + bad.statusCode() + " " + bad.body());
    HttpRequest status =
        HttpRequest.newBuilder(URI.create(base + "/hooks/demo/deliveries/" + id))
            .header("authorization", "Bearer " + Files.readString(apiKey).strip())
            .build();
    HttpResponse<String> st = http.send(status, HttpResponse.BodyHandlers.ofString());
    out.println(
        "4. Delivery status       GET "
            + "/hooks/demo/deliveries/"
            + id
            + " -> "
            + st.statusCode()
            + " "
            + st.body());
    showRetrieval(out, server);
    showAgent(out, server);
    showWorkflow(out, port, secret, callback);
    out.println();
    out.println("Do it yourself with openssl and curl (examples/webhooks has the scripts):");
    out.println(
        "  SECRET=$(cat "
            + hookSecret
            + ") examples/webhooks/send-signed-webhook.sh "
            + base
            + "/hooks/demo '{\"hello\":\"world\"}' msg_hello_1");
    out.println(
        "  curl -s -H \"Authorization: Bearer $(cat "
            + apiKey
            + ")\" "
            + base
            + "/hooks/demo/deliveries/msg_hello_1");
    out.println(
        "  curl -s -H \"Authorization: Bearer $(cat "
            + apiKey
            + ")\" -X POST "
            + base
            + "/collections/demo/search -d '{\"query\": \"ship to Genoa\"}'");
    out.println(
        "  curl -s -H \"Authorization: Bearer $(cat "
            + apiKey
            + ")\" -X PUT -H 'Content-Type: text/plain' --data-binary @notes.txt \""
            + base
            + "/collections/demo/documents?id=notes.txt&public=true\"");
    out.flush();
  }

  /**
   * The shipped embedding model and the retrieval pipeline, on this machine, with nothing
   * downloaded: three short documents are ingested (parsed, chunked, embedded, logged, indexed) and
   * searched in hybrid mode.
   */
  private static void showRetrieval(PrintWriter out, TramontaneServer server) {
    Map<String, String> documents = new LinkedHashMap<>();
    documents.put("invoices.txt", "Invoices are paid within 30 days of receipt by bank transfer.");
    documents.put(
        "sailings.txt", "The cargo ship leaves Marseille for Genoa every Tuesday at dawn.");
    documents.put("leave.txt", "Employees book their annual leave in the HR portal.");
    String query = "When will my invoice be paid?";
    long started = System.nanoTime();
    Retrieval retrieval = server.retrieval();
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
        server.inference().model(retrieval.settings().embeddingModel());
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
  private static void showWorkflow(PrintWriter out, int port, String secret, DemoCallback callback)
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
  private void showConnector(PrintWriter out, TramontaneServer server, Path folder, Path apiKey)
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
        server.connectors().status("handbook").toCompletableFuture().join();
    while (st.lastSuccess() == null && System.nanoTime() < deadline) {
      Thread.sleep(200);
      st = server.connectors().status("handbook").toCompletableFuture().join();
    }
    server.retrieval().awaitIndexed("handbook").toCompletableFuture().join();
    String query = "how many days of holiday do I get";
    List<Hit> hits =
        server
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
  private static void showAgent(PrintWriter out, TramontaneServer server) {
    Agents agents = server.agents();
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

  private static Path secretFile(Path file, java.util.function.Supplier<String> generate)
      throws IOException {
    if (!Files.exists(file)) {
      Files.writeString(file, generate.get() + "\n", StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the file keeps the default permissions.
      }
    }
    return file;
  }

  private static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
