package io.tramontane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.sharepoint.FakeGraph;
import io.tramontane.connectors.sharepoint.SharePointSettings;
import io.tramontane.connectors.sharepoint.SharePointSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tramontane bench sharepoint}: a full first pass of the SharePoint connector ({@link
 * SharePointSource}) over the connector tests' fake Microsoft Graph on loopback into a {@link
 * DryRunContext}: token, delta paging, downloads (302 and the pre-authenticated GET), permissions
 * and bookkeeping, no parsing or indexing. The baseline, in the same run, is the same HTTP
 * exchanges sent one after the other by a bare {@link HttpClient} that does nothing with the
 * answers.
 */
@Command(
    name = "sharepoint",
    mixinStandardHelpOptions = true,
    description = {
      "Documents/s of the SharePoint connector's first pass over a fake Graph on loopback (paging,"
          + " downloads, permissions; no indexing) against the same exchanges sent by a bare HTTP"
          + " client in the same run."
    })
public final class SharePointBench implements Callable<Integer> {

  static final String NAME = "sharepoint";
  private static final String DRIVE = "b!bench";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin BenchOptions options;

  /** One measured round: the connector's and the bare client's documents/s. */
  public record Round(double connector, double bareHttp) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      String bench,
      boolean quick,
      Machine machine,
      int files,
      List<Round> rounds,
      double bestConnector,
      double bestBareHttp,
      double ratio,
      double seconds) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    long started = System.nanoTime();
    int files = options.quick ? 100 : 300;
    int rounds = options.quick ? 3 : 8;
    try (FakeGraph graph = new FakeGraph(42)) {
      fill(graph, files);
      out.printf("bench sharepoint: %d files in one drive; measuring...%n", files);
      out.flush();
      ConnectorSettings instance = instance(graph);
      List<Round> measured = new ArrayList<>();
      for (int round = 0; round <= rounds; round++) {
        Round r = new Round(connectorPass(instance, files), bareHttpPass(graph, files));
        if (round > 0) { // round 0 warms the JIT and the connection pools
          measured.add(r);
        }
      }
      double best = measured.stream().mapToDouble(Round::connector).max().orElseThrow();
      double bare = measured.stream().mapToDouble(Round::bareHttp).max().orElseThrow();
      Machine machine = Machine.describe();
      Report report =
          new Report(
              NAME,
              options.quick,
              machine,
              files,
              measured,
              best,
              bare,
              best / bare,
              (System.nanoTime() - started) / 1e9);
      print(out, report);
      options.finish(NAME, report, report.seconds());
      return 0;
    }
  }

  private static void print(PrintWriter out, Report report) {
    Table table =
        new Table(
            "SharePoint first pass, "
                + report.files()
                + " files, best of "
                + report.rounds().size()
                + " rounds ("
                + report.machine().line()
                + ")",
            "client",
            "best docs/s",
            "vs bare HTTP");
    table.row("connector", Table.rate(report.bestConnector()), Table.ratio(report.ratio()));
    table.row("bare HTTP (baseline)", Table.rate(report.bestBareHttp()), Table.ratio(1));
    table.note("Token, delta pages, 302 + download, permissions per file; no Tika, no index.");
    table.print(out);
  }

  /** A drive of small text files, each shared with a user and a group. */
  private static void fill(FakeGraph graph, int files) {
    graph.drive(DRIVE, "Documents");
    graph.pageSize(200);
    for (int i = 0; i < files; i++) {
      graph.file(DRIVE, "i" + i, "doc-" + i + ".txt", ("small file " + i + " ").repeat(40));
      graph.grantUser(DRIVE, "i" + i, "user-" + (i % 7));
      graph.grantGroup(DRIVE, "i" + i, "group-" + (i % 3));
    }
  }

  /** One full first pass of the connector; every file must be seen. Documents/s. */
  private static double connectorPass(ConnectorSettings instance, int files) throws Exception {
    SharePointSettings settings =
        SharePointSettings.fromConfig(instance, Map.of("SP_SECRET", FakeGraph.SECRET)::get);
    DryRunContext context = new DryRunContext(instance);
    long t0 = System.nanoTime();
    new SharePointSource(instance, settings, Clock.systemUTC()).sync(null, context);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (context.documents().size() != files) {
      throw new IllegalStateException(
          "a pass saw " + context.documents().size() + " of " + files + " files");
    }
    return files / seconds;
  }

  /** The same exchanges as a pass, nothing done with the answers. Documents/s. */
  private static double bareHttpPass(FakeGraph graph, int files)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String token = token(http, graph);
    long t0 = System.nanoTime();
    String url = graph.graph() + "/drives/" + DRIVE + "/root/delta";
    int seen = 0;
    while (url != null) {
      JsonNode page = JSON.readTree(get(http, url, token).body());
      for (JsonNode item : page.path("value")) {
        if (item.has("file")) {
          String base = graph.graph() + "/drives/" + DRIVE + "/items/" + item.get("id").asText();
          HttpResponse<byte[]> redirect = get(http, base + "/content", token);
          get(http, redirect.headers().firstValue("Location").orElseThrow(), null);
          get(http, base + "/permissions", token);
          seen++;
        }
      }
      url = page.path("@odata.nextLink").asText(null);
    }
    if (seen != files) {
      throw new IllegalStateException("the bare client saw " + seen + " of " + files + " files");
    }
    return files / ((System.nanoTime() - t0) / 1e9);
  }

  private static String token(HttpClient http, FakeGraph graph)
      throws IOException, InterruptedException {
    String form =
        "client_id="
            + FakeGraph.CLIENT_ID
            + "&client_secret="
            + URLEncoder.encode(FakeGraph.SECRET, StandardCharsets.UTF_8)
            + "&grant_type=client_credentials"
            + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(graph.base() + "/" + FakeGraph.TENANT + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body())
        .path("access_token")
        .asText();
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The connector instance the bench syncs: the fake's site, its secret from the environment. */
  private static ConnectorSettings instance(FakeGraph graph) {
    Map<String, Object> c =
        Map.ofEntries(
            Map.entry("kind", "sharepoint"),
            Map.entry("tenant", "bench"),
            Map.entry("collection", "bench-docs"),
            Map.entry("acl", List.of("group:bench")),
            Map.entry("authority", graph.base()),
            Map.entry("graph", graph.graph()),
            Map.entry("tenant-id", FakeGraph.TENANT),
            Map.entry("client-id", FakeGraph.CLIENT_ID),
            Map.entry("client-secret", "env:SP_SECRET"),
            Map.entry("site", FakeGraph.HOST + ":" + FakeGraph.SITE_PATH),
            Map.entry("requests-per-minute", 1_000_000),
            Map.entry("allow-private-networks", true)); // the fake Graph listens on loopback
    return ConnectorSettings.fromConfig("bench-sharepoint", ConfigFactory.parseMap(c));
  }
}
