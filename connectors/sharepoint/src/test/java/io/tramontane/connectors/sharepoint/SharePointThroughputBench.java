package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test (excluded from the default run): documents/s of a full first pass over
 * 300 small files against {@link FakeGraph} on loopback, with a {@link DryRunContext} — Graph
 * paging, downloads (302 + pre-authenticated GET), permissions and bookkeeping, no parsing or
 * indexing. The baseline, measured in the same run, is the same HTTP exchanges sent one after the
 * other by a bare client with nothing done with the answers. Run with
 *
 * <pre>./mvnw -q -o -pl connectors/sharepoint -am verify -Dsharepoint.bench.skip=none \
 *   -Dtest=SharePointThroughputBench -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("bench")
class SharePointThroughputBench {

  static final int FILES = 300;
  static final int ROUNDS = 8;

  @Test
  void fullPassThroughput() throws Exception {
    try (FakeGraph fake = new FakeGraph(42)) {
      fake.drive("b!bench", "Documents");
      fake.pageSize(200);
      for (int i = 0; i < FILES; i++) {
        fake.file("b!bench", "i" + i, "doc-" + i + ".txt", ("small file " + i + " ").repeat(40));
        fake.grantUser("b!bench", "i" + i, "user-" + (i % 7));
        fake.grantGroup("b!bench", "i" + i, "group-" + (i % 3));
      }
      double best = 0;
      double baselineBest = 0;
      System.out.println("round  connector docs/s  bare-HTTP docs/s");
      for (int round = 0; round < ROUNDS; round++) {
        ConnectorSettings instance = Fixture.instance(fake, Map.of());
        SharePointSource source = Fixture.source(instance, FakeGraph.SECRET, Clock.systemUTC());
        DryRunContext ctx = new DryRunContext(instance);
        long t0 = System.nanoTime();
        source.sync(null, ctx);
        double s = (System.nanoTime() - t0) / 1e9;
        if (ctx.documents().size() != FILES) {
          throw new AssertionError("expected " + FILES + " documents: " + ctx.documents().size());
        }
        double rate = FILES / s;
        double baseline = baseline(fake);
        System.out.printf("%5d  %16.0f  %16.0f%n", round, rate, baseline);
        if (round > 0) { // round 0 warms the JIT and the connection pool
          best = Math.max(best, rate);
          baselineBest = Math.max(baselineBest, baseline);
        }
      }
      System.out.printf(
          "SharePoint full pass, %d files, best of %d: %.0f docs/s (bare HTTP: %.0f docs/s)%n",
          FILES, ROUNDS - 1, best, baselineBest);
    }
  }

  /** The same exchanges, nothing done with them: docs/s. */
  private static double baseline(FakeGraph fake) throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    String token =
        GraphClient.JSON
            .readTree(
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    fake.base() + "/" + FakeGraph.TENANT + "/oauth2/v2.0/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "client_id="
                                        + FakeGraph.CLIENT_ID
                                        + "&client_secret="
                                        + java.net.URLEncoder.encode(
                                            FakeGraph.SECRET,
                                            java.nio.charset.StandardCharsets.UTF_8)
                                        + "&grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
                            .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                    .body())
            .path("access_token")
            .asText();
    long t0 = System.nanoTime();
    String url = fake.graph() + "/drives/b!bench/root/delta";
    int files = 0;
    while (url != null) {
      JsonNode page = GraphClient.JSON.readTree(get(http, url, token).body());
      for (JsonNode item : page.path("value")) {
        if (!item.has("file")) {
          continue;
        }
        String base = fake.graph() + "/drives/b!bench/items/" + item.get("id").asText();
        HttpResponse<byte[]> redirect = get(http, base + "/content", token);
        get(http, redirect.headers().firstValue("Location").orElseThrow(), null);
        get(http, base + "/permissions", token);
        files++;
      }
      url = page.path("@odata.nextLink").asText(null);
    }
    return files / ((System.nanoTime() - t0) / 1e9);
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
