package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.intake.signature.StandardWebhooksScheme;
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
import java.util.List;
import java.util.Map;
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
    description =
        "Run a node on the embedded defaults and walk through it: a signed webhook (and its"
            + " deduplication), a search over ingested documents, an agent's answer with citations,"
            + " a workflow run and a file-system connector, each with the curl command to repeat"
            + " it.")
final class DemoCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      converter = Port.class,
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port = 8080;

  @Option(
      names = "--cluster-port",
      converter = Port.class,
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

  /**
   * Every scope the walk-through and the README's examples use (workflows, agents, documents,
   * connectors, events, cluster), except {@code principals:assert}: the demo key acts as no user.
   */
  static final List<String> SCOPES =
      List.of(
          HttpEdge.SCOPE_DELIVERIES_READ,
          HttpEdge.SCOPE_TRIGGERS_READ,
          "documents:read",
          "documents:write",
          "search",
          "agents:read",
          "agents:write",
          "agents:use",
          "agents:approve",
          "workflows:read",
          "workflows:write",
          "workflows:run",
          "events:publish",
          "connectors:read",
          "connectors:write",
          "cluster:read");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path hookSecret = secretFile(dir.resolve("hook-secret"), () -> "whsec_" + randomBase64(24));
    Path apiKey = secretFile(dir.resolve("api-key"), () -> "demo_" + randomHex(24));
    Path log = dir.resolve("server.log");
    Runnable consoleLog = DemoLog.toFile(log);
    if (consoleLog != null) {
      out.println("Server log: " + log + " (the console shows the walk-through).");
    }
    out.println(
        "API key: $(cat " + apiKey + "), tenant 'demo', scopes: " + String.join(" ", SCOPES));
    out.flush();

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
                Map.of("tenant", "demo", "scopes", SCOPES, "key", "file:" + apiKey)));
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
      DemoSteps.showConnector(out, server, withCorpus ? folder : null, corpus, apiKey);
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
    } finally {
      if (consoleLog != null) {
        consoleLog.run();
      }
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
    DemoSteps.showRetrieval(out, server);
    DemoSteps.showAgent(out, server);
    DemoSteps.showWorkflow(out, port, secret, callback);
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
            + ")\" -X PUT -H 'Content-Type: text/plain'"
            + " --data-binary 'The office is closed on 24 December.' \""
            + base
            + "/collections/demo/documents?id=notes.txt&public=true\"");
    out.flush();
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
