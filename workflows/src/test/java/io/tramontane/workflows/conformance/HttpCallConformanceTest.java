package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.NodeEffects;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code call: http} as dsl-reference.md (DSL 1.0.x) says, over real loopback HTTP: each case is a
 * small workflow written here, validated by {@link WorkflowDefinitions}, run by the {@link
 * Interpreter} through {@link Replay}, {@link NodeEffects} and {@link HttpCall} (the outbound-HTTP
 * policy included), against a JDK HTTP server on 127.0.0.1. Each asserts what the server received
 * and the run's output (or error).
 */
class HttpCallConformanceTest extends LoopbackService {

  static final ObjectMapper JSON = new ObjectMapper();
  static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();

  @Override
  void answer(HttpExchange ex, String path) throws IOException {
    switch (path) {
      case "/moved" -> {
        ex.getResponseHeaders().add("Location", "/pets/1");
        ex.sendResponseHeaders(302, -1);
      }
      case "/missing" -> ex.sendResponseHeaders(404, -1);
      case "/broken" ->
          send(ex, 200, "application/json", "{\"id\": ".getBytes(StandardCharsets.UTF_8));
      case "/text" ->
          send(ex, 200, "text/plain; charset=utf-8", "héllo".getBytes(StandardCharsets.UTF_8));
      case "/bytes" -> send(ex, 200, "application/octet-stream", new byte[] {0, 1, 2, (byte) 0xff});
      default ->
          send(
              ex,
              200,
              "application/json",
              ("{\"id\": \""
                      + path.substring(path.lastIndexOf('/') + 1)
                      + "\", \"name\": \"milou\"}")
                  .getBytes(StandardCharsets.UTF_8));
    }
    ex.close();
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().add("Content-Type", type);
    ex.getResponseHeaders().add("X-Trace", "a");
    ex.getResponseHeaders().add("X-Trace", "b");
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  /** {@code call: http} allowed to 127.0.0.1 (loopback allowed), following up to 3 redirects. */
  static HttpCall loopbackCall() {
    return call(List.of("127.0.0.1"), true, InetAddress::getAllByName);
  }

  static HttpCall call(List<String> hosts, boolean allowPrivate, OutboundHttp.Resolver resolver) {
    OutboundPolicy policy =
        new OutboundPolicy(
            HttpCall.KEY, hosts, allowPrivate, 1 << 20, 1 << 20, Duration.ofSeconds(10), 3);
    return new HttpCall(
        new OutboundHttp(policy, resolver, (SSLSocketFactory) SSLSocketFactory.getDefault()));
  }

  /** Validates {@code yaml} (must be valid) and runs it on {@code input}; the run's output. */
  JsonNode run(String yaml, String input) throws Exception {
    return run(yaml, input, loopbackCall());
  }

  JsonNode run(String yaml, String input, HttpCall http) throws Exception {
    byte[] bytes = yaml.replace("@PORT@", String.valueOf(port)).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), DEFINITIONS.validate("case.yaml", bytes));
    JsonNode tree = DEFINITIONS.parse("case.yaml", bytes).tree();
    Map<String, JsonNode> journal = new HashMap<>();
    Replay.Journal memory = Replay.Journal.inMemory(journal);
    NodeEffects live = new NodeEffects("t/w/r1", "t", List.of(http));
    return Interpreter.run(tree, JSON.readTree(input), new Replay(memory, live, Clock.systemUTC()))
        .output();
  }

  WorkflowError fails(String yaml, String input, HttpCall http) {
    return assertThrows(WorkflowError.class, () -> run(yaml, input, http));
  }

  static String workflow(String with) {
    return """
        document: {dsl: '1.0.0', namespace: conformance, name: http, version: '1.0.0'}
        do:
          - fetch:
              call: http
              with:
        """
        + with.indent(8);
  }

  // dsl-reference.md "URI Template": {petId} is the top-level input property, RFC 6570 simple
  // string expansion (percent-encoded); "HTTP Call" example endpoint https://…/v2/pet/{petId}.
  @Test
  void uriTemplateEndpointIsExpandedFromTheTaskInput() throws Exception {
    JsonNode out =
        run(
            workflow(
                """
                method: get
                endpoint: http://127.0.0.1:@PORT@/v2/pet/{petId}
                """),
            "{\"petId\": \"rex 7/b\"}");
    assertEquals("/v2/pet/rex%207%2Fb", received.getFirst().path());
    assertEquals(JSON.readTree("{\"id\": \"rex%207%2Fb\", \"name\": \"milou\"}"), out);
  }

  // dsl-reference.md "Endpoint" (uri) + "URI Template": a number is its text; a variable that is
  // not found expands to the empty string.
  @Test
  void endpointObjectUriIsATemplateTooAndMissingVariablesAreEmpty() throws Exception {
    run(
        workflow(
            """
            method: get
            endpoint:
              uri: http://127.0.0.1:@PORT@/owners/{owner}/pets/{petId}
            """),
        "{\"petId\": 42}");
    assertEquals("/owners//pets/42", received.getFirst().path());
  }

  // dsl-reference.md "URI Template": a variable of another type than string, number, boolean or
  // null raises the expression error with status 400.
  @Test
  void anObjectVariableIsAnExpressionErrorAndNothingIsSent() {
    WorkflowError e =
        fails(
            workflow(
                """
                method: get
                endpoint: http://127.0.0.1:@PORT@/v2/pet/{pet}
                """),
            "{\"pet\": {\"id\": 1}}",
            loopbackCall());
    assertEquals(WorkflowError.EXPRESSION, e.type());
    assertEquals(400, e.status());
    assertEquals("/do/0/fetch", e.instance());
    assertEquals(List.of(), received);
  }

  // The expanded URL goes through the platform's outbound-HTTP policy like a literal one: a host
  // the allowlist does not name is refused before anything is sent.
  @Test
  void aTemplateExpandingToAHostOffTheAllowlistIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                """
                method: get
                endpoint: http://{host}:@PORT@/v2/pet/1
                """),
            "{\"host\": \"localhost\"}",
            loopbackCall());
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(403, e.status());
    assertEquals("Host not allowed", e.title());
    assertTrue(
        e.detail().contains("'localhost' is not in tramontane.workflows.http.allowed-hosts"),
        e.detail());
    assertEquals(List.of(), received);
  }

  // …and an allowed name that resolves to a private address is refused when private networks are.
  @Test
  void aTemplateExpandingToAPrivateAddressIsRefused() {
    OutboundHttp.Resolver internal = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    WorkflowError e =
        fails(
            workflow(
                """
                method: get
                endpoint: http://{host}.test:@PORT@/v2/pet/1
                """),
            "{\"host\": \"intranet\"}",
            call(List.of("intranet.test"), false, internal));
    assertEquals(403, e.status());
    assertEquals("Address not allowed", e.title());
    assertEquals(List.of(), received);
  }

  // dsl-reference.md "URI Template": only simple string expansion; other RFC 6570 operators are
  // refused when the file is validated, at the endpoint's line and column.
  @Test
  void validateRefusesTemplateOperatorsTheDslDoesNotHave() {
    byte[] yaml =
        workflow(
                """
                method: get
                endpoint: https://pets.example/{+path}
                """)
            .getBytes(StandardCharsets.UTF_8);
    List<Problem> problems = DEFINITIONS.validate("case.yaml", yaml);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals(7, p.line(), p.toString());
    assertEquals(19, p.column(), p.toString());
    assertTrue(p.message().contains("operator '+'"), p.toString());
    assertTrue(p.hint().contains("${ … }"), p.toString());
  }

  // dsl-reference.md "HTTP Call" query: name/value mapping of the query parameters; merged after
  // the endpoint's own query, each name and value percent-encoded.
  @Test
  void queryIsSentEncodedAfterTheEndpointsOwnQuery() throws Exception {
    run(
        workflow(
            """
            method: post
            endpoint: http://127.0.0.1:@PORT@/search?lang=en
            headers: {X-Tenant: acme}
            body: {page: 1}
            query:
              q: 'cats & dogs'
              limit: '${ .limit }'
              city: Zürich
            """),
        "{\"limit\": 5}");
    Received r = received.getFirst();
    assertEquals("POST", r.method());
    assertEquals("/search", r.path());
    assertEquals("lang=en&q=cats%20%26%20dogs&limit=5&city=Z%C3%BCrich", r.query());
    assertEquals("acme", r.headers().get("x-tenant"));
    assertEquals("application/json", r.headers().get("content-type"));
    assertEquals("{\"page\":1}", r.body());
  }

  // dsl-reference.md "HTTP Call" query is map[string, any]: a list repeats the parameter, null
  // leaves it out; an object has no query-string form and fails the task before anything is sent.
  @Test
  void queryListsRepeatNullsAreLeftOutObjectsFail() throws Exception {
    run(
        workflow(
            """
            method: get
            endpoint: http://127.0.0.1:@PORT@/search?
            query: '${ {tag: .tags, page: .page, none: null} }'
            """),
        "{\"tags\": [\"a b\", \"c\"], \"page\": 2}");
    assertEquals("tag=a%20b&tag=c&page=2", received.getFirst().query());
    received.clear();
    WorkflowError e =
        fails(
            workflow(
                """
                method: get
                endpoint: http://127.0.0.1:@PORT@/search
                query: {filter: '${ .filter }'}
                """),
            "{\"filter\": {\"a\": 1}}",
            loopbackCall());
    assertEquals(400, e.status());
    assertTrue(e.detail().contains("'filter' is an object"), e.detail());
    assertEquals(List.of(), received);
  }

  // dsl-reference.md "Standard Error Types" communication: "invalid responses" — content typed
  // JSON that is not JSON fails the call instead of becoming a string.
  @Test
  void contentTypedJsonThatIsNotJsonIsACommunicationError() {
    WorkflowError e =
        fails(
            workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/broken\n"),
            "{}",
            loopbackCall());
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(502, e.status());
  }

  // dsl-reference.md "HTTP Call" output: defaults to content, "possibly deserialized"; "HTTP
  // Response" content: deserialized for known content types, otherwise base-64 encoded.
  @Test
  void contentIsTheDefaultOutputDeserializedByContentType() throws Exception {
    assertEquals(
        JSON.readTree("{\"id\": \"1\", \"name\": \"milou\"}"),
        run(workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/pets/1\n"), "{}"));
    assertEquals(
        "héllo",
        run(workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/text\n"), "{}").asText());
    assertEquals(
        "AAEC/w==",
        run(workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/bytes\n"), "{}").asText());
  }

  // dsl-reference.md "HTTP Call" output: raw outputs the base-64 encoded response content.
  @Test
  void rawOutputIsTheBase64Content() throws Exception {
    JsonNode out =
        run(workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/text\noutput: raw\n"), "{}");
    assertEquals(
        Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8)), out.asText());
  }

  // dsl-reference.md "HTTP Call" output: response outputs the "HTTP Response" — request (method,
  // uri, headers), statusCode, headers, content.
  @Test
  void responseOutputIsTheHttpResponse() throws Exception {
    JsonNode out =
        run(
            workflow(
                """
                method: get
                endpoint: http://127.0.0.1:@PORT@/v2/pet/{petId}
                headers: {Accept: application/json, Authorization: Bearer s3cret}
                query: {full: 'true'}
                output: response
                """),
            "{\"petId\": 1}");
    String uri = "http://127.0.0.1:" + port + "/v2/pet/1?full=true";
    assertEquals("get", out.at("/request/method").asText());
    assertEquals(uri, out.at("/request/uri").asText());
    assertEquals("application/json", out.at("/request/headers/Accept").asText());
    assertEquals("Bearer s3cret", received.getFirst().headers().get("authorization"));
    // the output is journaled and readable over REST: a credential never goes into it
    assertEquals("<redacted>", out.at("/request/headers/Authorization").asText());
    assertTrue(!out.toString().contains("s3cret"), out.toString());
    assertEquals(200, out.get("statusCode").asInt());
    assertEquals("application/json", out.at("/headers/content-type").asText());
    assertEquals("a, b", out.at("/headers/x-trace").asText());
    assertEquals(JSON.readTree("{\"id\": \"1\", \"name\": \"milou\"}"), out.get("content"));
  }

  // dsl-reference.md "HTTP Call" redirect: defaults to false; when false, a status outside 200–299
  // raises an error (the communication error, with the status) — the redirect is not followed.
  @Test
  void aRedirectIsAnErrorByDefaultAndWithRedirectFalse() {
    for (String redirect : new String[] {"", "redirect: false\n"}) {
      received.clear();
      WorkflowError e =
          fails(
              workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/moved\n" + redirect),
              "{}",
              loopbackCall());
      assertEquals(WorkflowError.COMMUNICATION, e.type());
      assertEquals(302, e.status());
      assertTrue(e.detail().contains("redirect: true"), e.detail());
      assertEquals(List.of("/moved"), received.stream().map(Received::path).toList());
    }
  }

  // dsl-reference.md "HTTP Call" redirect: true allows 300–399; the runtime follows the redirect
  // within the platform's max-redirects.
  @Test
  void redirectTrueFollowsTheRedirect() throws Exception {
    JsonNode out =
        run(
            workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/moved\nredirect: true\n"),
            "{}");
    assertEquals(JSON.readTree("{\"id\": \"1\", \"name\": \"milou\"}"), out);
    assertEquals(List.of("/moved", "/pets/1"), received.stream().map(Received::path).toList());
  }

  // The same under the shipped configuration (reference.conf): redirect: true follows, it does not
  // hand back the 3xx (outside tester, issue 17: max-redirects defaulted to 0).
  @Test
  void redirectTrueFollowsUnderTheDefaultConfiguration() throws Exception {
    HttpCall shipped =
        HttpCall.fromConfig(
            com.typesafe.config.ConfigFactory.parseMap(
                    Map.of(
                        HttpCall.KEY + ".allowed-hosts",
                        List.of("127.0.0.1"),
                        HttpCall.KEY + ".allow-private-networks",
                        true))
                .withFallback(com.typesafe.config.ConfigFactory.load()));
    JsonNode out =
        run(
            workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/moved\nredirect: true\n"),
            "{}",
            shipped);
    assertEquals(JSON.readTree("{\"id\": \"1\", \"name\": \"milou\"}"), out);
  }

  // dsl-reference.md "HTTP Call" redirect / "Standard Error Types" communication: a 4xx fails.
  @Test
  void anErrorStatusIsACommunicationErrorWithThatStatus() {
    WorkflowError e =
        fails(
            workflow("method: get\nendpoint: http://127.0.0.1:@PORT@/missing\nredirect: true\n"),
            "{}",
            loopbackCall());
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(404, e.status());
  }
}
