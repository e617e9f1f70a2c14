package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.call.WorkflowSecrets;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.NodeEffects;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dsl-reference.md "Authentication" (basic, bearer, digest, oauth2, oidc, {@code use} of a policy
 * in {@code use.authentications}) and dsl.md "Secret" ({@code use.secrets}), over real loopback
 * HTTP: each case is a workflow written here, validated, run by the {@link Interpreter} through
 * {@link NodeEffects} and {@link HttpCall} against a JDK HTTP server on 127.0.0.1 that plays the
 * service, the OAuth2 authority and an OpenID Connect provider. Secrets come from the platform's
 * configuration ({@code env:} / {@code file:} references), never from the YAML.
 */
class AuthenticationConformanceTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  static final String CLIENT_SECRET = "cl1ent-s3cret-value";
  static final String DIGEST_PASSWORD = "d1gest-pa55word";

  /** A request as the server saw it. */
  record Received(String method, String path, String authorization, String body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger tokens = new AtomicInteger();
  final MutableClock clock = new MutableClock();
  HttpServer server;
  int port;
  @TempDir Path dir;

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-08T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(new Received(ex.getRequestMethod(), path, auth, body));
    switch (path) {
      case "/auth/oauth2/token", "/realm/protocol/token" -> {
        int n = tokens.incrementAndGet();
        send(
            ex,
            200,
            "{\"access_token\": \"tok-"
                + n
                + "\", \"token_type\": \"Bearer\","
                + " \"expires_in\": 300}");
      }
      case "/realm/.well-known/openid-configuration" ->
          send(
              ex,
              200,
              "{\"issuer\": \"http://127.0.0.1:"
                  + port
                  + "/realm\", \"token_endpoint\":"
                  + " \"http://127.0.0.1:"
                  + port
                  + "/realm/protocol/token\"}");
      case "/down/oauth2/token" -> send(ex, 500, "{\"error\": \"" + CLIENT_SECRET + "\"}");
      case "/garbled/oauth2/token" -> send(ex, 200, "<html>not a token</html>");
      case "/digest" -> digest(ex, auth);
      case "/api/revoking" -> send(ex, "Bearer tok-1".equals(auth) ? 401 : 200, "{}");
      case "/digest-int" -> {
        ex.getResponseHeaders()
            .add("WWW-Authenticate", "Digest realm=\"r\", qop=\"auth-int\", nonce=\"n\"");
        ex.sendResponseHeaders(401, -1);
      }
      default -> send(ex, 200, "{\"ok\": true}");
    }
    ex.close();
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  /** RFC 7616 server side: challenge, then check the response the client computed. */
  private void digest(HttpExchange ex, String auth) throws IOException {
    String algorithm = ex.getRequestURI().getRawQuery().contains("md5") ? "MD5" : "SHA-256";
    String nonce = "n0nce-7616";
    if (auth == null || !auth.startsWith("Digest ")) {
      ex.getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Digest realm=\"pets@127.0.0.1\", qop=\"auth,auth-int\", algorithm="
                  + algorithm
                  + ", nonce=\""
                  + nonce
                  + "\", opaque=\"0paque\"");
      ex.sendResponseHeaders(401, -1);
      return;
    }
    Map<String, String> p = new HashMap<>();
    Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))").matcher(auth.substring(7));
    while (m.find()) {
      p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    String ha1 = hash(algorithm, p.get("username") + ":pets@127.0.0.1:" + DIGEST_PASSWORD);
    String ha2 =
        hash(
            algorithm,
            ex.getRequestMethod()
                + ":"
                + ex.getRequestURI().getRawPath()
                + "?"
                + ex.getRequestURI().getRawQuery());
    String expected =
        hash(
            algorithm,
            ha1 + ":" + nonce + ":" + p.get("nc") + ":" + p.get("cnonce") + ":auth:" + ha2);
    boolean ok =
        "admin".equals(p.get("username"))
            && expected.equals(p.get("response"))
            && "auth".equals(p.get("qop"))
            && "0paque".equals(p.get("opaque"))
            && algorithm.equals(p.get("algorithm"));
    send(ex, ok ? 200 : 401, "{\"digest\": " + ok + "}");
  }

  private static String hash(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm.equals("MD5") ? "MD5" : "SHA-256")
                  .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  HttpCall call(Map<String, String> secrets, Map<String, String> env, List<String> hosts) {
    return call(WorkflowSecrets.of("t", secrets, env::get), hosts);
  }

  HttpCall call(WorkflowSecrets secrets, List<String> hosts) {
    OutboundPolicy policy =
        new OutboundPolicy(HttpCall.KEY, hosts, true, 1 << 20, 1 << 20, Duration.ofSeconds(10), 0);
    return new HttpCall(
        new OutboundHttp(
            policy, InetAddress::getAllByName, (SSLSocketFactory) SSLSocketFactory.getDefault()),
        secrets,
        clock);
  }

  HttpCall call(Map<String, String> secrets, Map<String, String> env) {
    return call(secrets, env, List.of("127.0.0.1"));
  }

  JsonNode run(String yaml, String input, HttpCall http) throws Exception {
    byte[] bytes = yaml.replace("@PORT@", String.valueOf(port)).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), DEFINITIONS.validate("case.yaml", bytes));
    JsonNode tree = DEFINITIONS.parse("case.yaml", bytes).tree();
    Map<String, JsonNode> journal = new LinkedHashMap<>();
    Replay.Journal memory = Replay.Journal.inMemory(journal);
    NodeEffects live = new NodeEffects("t/w/r1", "t", List.of(http));
    try {
      return Interpreter.run(
              tree, JSON.readTree(input), new Replay(memory, live, Clock.systemUTC()))
          .output();
    } finally {
      // what the run journals never holds a secret or a token
      String journaled = journal.toString();
      for (String secret :
          List.of(CLIENT_SECRET, DIGEST_PASSWORD, "tok-1", "tok-2", "p-secret-1")) {
        assertFalse(journaled.contains(secret), journaled);
      }
    }
  }

  WorkflowError fails(String yaml, HttpCall http) {
    return assertThrows(WorkflowError.class, () -> run(yaml, "{}", http));
  }

  static String workflow(String use, String endpoint) {
    return """
        document: {dsl: '1.0.0', namespace: conformance, name: auth, version: '1.0.0'}
        """
        + use
        + """
        do:
          - first:
              call: http
              with:
                method: get
                endpoint:
        """
        + endpoint.indent(10);
  }

  List<String> authorizations(String path) {
    return received.stream()
        .filter(r -> r.path().equals(path))
        .map(Received::authorization)
        .toList();
  }

  // dsl-reference.md "Basic Authentication" (username, password) and "Bearer Authentication"
  // (token, here a runtime expression on the task input).
  @Test
  void basicAndBearerPoliciesSetTheAuthorizationHeader() throws Exception {
    run(
        workflow(
            "",
            """
            uri: http://127.0.0.1:@PORT@/basic
            authentication:
              basic: {username: admin, password: password123}
            """),
        "{}",
        call(Map.of(), Map.of()));
    run(
        workflow(
            "",
            """
            uri: http://127.0.0.1:@PORT@/bearer
            authentication:
              bearer: {token: '${ .user.token }'}
            """),
        "{\"user\": {\"token\": \"abc.def\"}}",
        call(Map.of(), Map.of()));
    String basic = Base64.getEncoder().encodeToString("admin:password123".getBytes());
    assertEquals(List.of("Basic " + basic), authorizations("/basic"));
    assertEquals(List.of("Bearer abc.def"), authorizations("/bearer"));
  }

  // dsl-reference.md "Authentication" example: a policy of use.authentications used by name, its
  // basic credentials a secret of use.secrets (secret-based policy: `basic: {use: <secret>}`); the
  // secret's value comes from the environment variable the configuration names. output: response
  // shows the request without the credential.
  @Test
  void aNamedPolicyWithASecretFromTheEnvironment() throws Exception {
    JsonNode out =
        run(
            """
            document: {dsl: '1.0.0', namespace: conformance, name: auth, version: '1.0.0'}
            use:
              secrets: [petstore]
              authentications:
                petstoreBasic:
                  basic: {use: petstore}
            do:
              - first:
                  call: http
                  with:
                    method: get
                    output: response
                    endpoint:
                      uri: http://127.0.0.1:@PORT@/pets
                      authentication: {use: petstoreBasic}
            """,
            "{}",
            call(
                Map.of("petstore", "env:PETSTORE_CREDENTIALS"),
                Map.of(
                    "PETSTORE_CREDENTIALS",
                    "{\"username\": \"u\", \"password\": \"p-secret-1\"}")));
    String basic = Base64.getEncoder().encodeToString("u:p-secret-1".getBytes());
    assertEquals(List.of("Basic " + basic), authorizations("/pets"));
    assertFalse(out.toString().contains(basic), out.toString());
  }

  // dsl.md "Runtime expression arguments" $secrets, in a policy field; the value from a file
  // (a mounted secret) the configuration names.
  @Test
  void aSecretsExpressionReadsAFileSecret() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "f1le-token-value\n");
    run(
        workflow(
            "use: {secrets: [apiToken]}\n",
            """
            uri: http://127.0.0.1:@PORT@/file
            authentication:
              bearer: {token: '${ $secrets.apiToken }'}
            """),
        "{}",
        call(Map.of("apiToken", "file:" + file), Map.of()));
    assertEquals(List.of("Bearer f1le-token-value"), authorizations("/file"));
  }

  // dsl.md "Secret": a secret that does not exist raises the authorization error, 403; the error
  // names the secret and where to configure it, and nothing is sent.
  @Test
  void aSecretThatIsNotConfiguredIsAnAuthorizationError() {
    WorkflowError e =
        fails(
            workflow(
                "use: {secrets: [apiToken]}\n",
                """
                uri: http://127.0.0.1:@PORT@/file
                authentication:
                  bearer: {use: apiToken}
                """),
            call(Map.of("apiToken", "env:UNSET_TOKEN"), Map.of()));
    assertEquals(WorkflowSecrets.AUTHORIZATION, e.type());
    assertEquals(403, e.status());
    assertTrue(e.detail().contains("tramontane.workflows.secrets.apiToken"), e.detail());
    assertTrue(e.detail().contains("UNSET_TOKEN"), e.detail());
    assertEquals(List.of(), received);
  }

  static final String OAUTH2 =
      """
      uri: http://127.0.0.1:@PORT@/api/@N@
      authentication:
        oauth2:
          authority: http://127.0.0.1:@PORT@/@AUTHORITY@
          grant: client_credentials
          client: {id: workflow-runtime, secret: '${ $secrets.clientSecret }'}
          scopes: [api, read]
          audiences: [runtime]
      """;

  String oauth2Workflow(String authority, int n) {
    return workflow(
        "use: {secrets: [clientSecret]}\n",
        OAUTH2.replace("@AUTHORITY@", authority).replace("@N@", String.valueOf(n)));
  }

  HttpCall oauth2Call() {
    return call(
        Map.of("clientSecret", "env:CLIENT_SECRET"), Map.of("CLIENT_SECRET", CLIENT_SECRET));
  }

  // dsl-reference.md "OAUTH2 Authentication": client_credentials at authority + endpoints.token
  // (default /oauth2/token), client_secret_post (the default); the token is reused until shortly
  // before it expires, then a new one is requested.
  @Test
  void oauth2TokensAreRequestedOnceCachedAndRenewedBeforeExpiry() throws Exception {
    HttpCall http = oauth2Call();
    run(oauth2Workflow("auth", 1), "{}", http);
    run(oauth2Workflow("auth", 2), "{}", http);
    assertEquals(1, tokens.get());
    Received token = received.getFirst();
    assertEquals("POST", token.method());
    assertEquals("/auth/oauth2/token", token.path());
    Map<String, String> form = form(token.body());
    assertEquals("client_credentials", form.get("grant_type"));
    assertEquals("workflow-runtime", form.get("client_id"));
    assertEquals(CLIENT_SECRET, form.get("client_secret"));
    assertEquals("api read", form.get("scope"));
    assertEquals("runtime", form.get("audience"));
    clock.now = clock.now.plusSeconds(290); // within the renewal margin of the 300 s token
    run(oauth2Workflow("auth", 3), "{}", http);
    assertEquals(2, tokens.get());
    assertEquals(List.of("Bearer tok-1"), authorizations("/api/1"));
    assertEquals(List.of("Bearer tok-1"), authorizations("/api/2"));
    assertEquals(List.of("Bearer tok-2"), authorizations("/api/3"));
  }

  // A cached token the service refuses (401: revoked before it expired) is replaced once: a new
  // token is requested and the call sent again; a new token that is refused is not retried.
  @Test
  void aCachedTokenTheServiceRefusesIsRenewedOnce() throws Exception {
    HttpCall http = oauth2Call();
    run(oauth2Workflow("auth", 1), "{}", http);
    run(oauth2Workflow("auth", 1).replace("/api/1", "/api/revoking"), "{}", http);
    assertEquals(2, tokens.get());
    assertEquals(List.of("Bearer tok-1", "Bearer tok-2"), authorizations("/api/revoking"));
  }

  // A cached token is reused only for the same credentials: a policy naming the same authority
  // and client with another secret does not get the token the first one obtained.
  @Test
  void aTokenIsNotReusedForOtherCredentials() throws Exception {
    HttpCall http =
        call(
            Map.of("clientSecret", "env:CLIENT_SECRET", "guess", "env:GUESS"),
            Map.of("CLIENT_SECRET", CLIENT_SECRET, "GUESS", "not-the-secret"));
    run(oauth2Workflow("auth", 1), "{}", http);
    run(
        oauth2Workflow("auth", 2)
            .replace("[clientSecret]", "[guess]")
            .replace("$secrets.clientSecret", "$secrets.guess"),
        "{}",
        http);
    assertEquals(2, tokens.get());
    assertEquals(List.of("Bearer tok-2"), authorizations("/api/2"));
  }

  // A secret of the platform belongs to tenants: a workflow of another tenant that lists its name
  // in use.secrets gets the authorization error, not the value.
  @Test
  void aSecretOfAnotherTenantIsAnAuthorizationError() {
    WorkflowSecrets others =
        new WorkflowSecrets(
            Map.of("apiToken", new WorkflowSecrets.Secret("env:TOKEN", java.util.Set.of("other"))),
            Map.of("TOKEN", "t0ken-of-other")::get);
    WorkflowError e =
        fails(
            workflow(
                "use: {secrets: [apiToken]}\n",
                """
                uri: http://127.0.0.1:@PORT@/file
                authentication:
                  bearer: {token: '${ $secrets.apiToken }'}
                """),
            call(others, List.of("127.0.0.1")));
    assertEquals(403, e.status());
    assertEquals(WorkflowSecrets.AUTHORIZATION, e.type());
    assertTrue(e.detail().contains("not configured for tenant 't'"), e.detail());
    assertFalse(e.getMessage().contains("t0ken-of-other"), e.getMessage());
    assertEquals(List.of(), received);
  }

  // dsl-reference.md "OpenIdConnect Authentication": the token endpoint is the one the
  // authority's discovery document (/.well-known/openid-configuration) names.
  @Test
  void oidcDiscoversTheTokenEndpoint() throws Exception {
    String yaml = oauth2Workflow("realm", 1).replace("oauth2:", "oidc:");
    run(yaml, "{}", oauth2Call());
    assertEquals(
        List.of("/realm/.well-known/openid-configuration", "/realm/protocol/token", "/api/1"),
        received.stream().map(Received::path).toList());
    assertEquals(List.of("Bearer tok-1"), authorizations("/api/1"));
  }

  // dsl-reference.md "Standard Error Types" communication: the token endpoint failing (an error
  // status, or an answer that is no token) fails the call; the error names the endpoint and never
  // the client secret, and the service is not called.
  @Test
  void aFailingTokenEndpointIsACommunicationError() {
    WorkflowError down = fails(oauth2Workflow("down", 1), oauth2Call());
    assertEquals(WorkflowError.COMMUNICATION, down.type());
    assertEquals(500, down.status());
    assertTrue(down.detail().contains("127.0.0.1:" + port + "/down/oauth2/token"), down.detail());
    assertFalse(down.getMessage().contains(CLIENT_SECRET), down.getMessage());
    WorkflowError garbled = fails(oauth2Workflow("garbled", 1), oauth2Call());
    assertEquals(WorkflowError.COMMUNICATION, garbled.type());
    assertEquals(502, garbled.status());
    assertTrue(garbled.detail().contains("/garbled/oauth2/token"), garbled.detail());
    assertTrue(received.stream().noneMatch(r -> r.path().startsWith("/api/")));
  }

  // The token endpoint goes through the same outbound-HTTP policy as the call: an authority off
  // the allowlist is refused before anything is sent.
  @Test
  void aTokenEndpointOffTheAllowlistIsRefused() {
    String yaml =
        oauth2Workflow("auth", 1)
            .replace("authority: http://127.0.0.1", "authority: http://localhost");
    WorkflowError e =
        fails(
            yaml,
            call(
                Map.of("clientSecret", "env:CLIENT_SECRET"),
                Map.of("CLIENT_SECRET", CLIENT_SECRET),
                List.of("127.0.0.1")));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(403, e.status());
    assertEquals(List.of(), received);
  }

  // dsl-reference.md "OAUTH2 Authentication": a reusable policy (use.authentications) with the
  // password grant, client.authentication client_secret_basic (the client's id and secret in a
  // Basic header, RFC 6749 2.3.1), its user's password a secret read by name.
  @Test
  void oauth2PasswordGrantWithClientSecretBasic() throws Exception {
    run(
        """
        document: {dsl: '1.0.0', namespace: conformance, name: auth, version: '1.0.0'}
        use:
          secrets: [clientSecret, user]
          authentications:
            api:
              oauth2:
                authority: http://127.0.0.1:@PORT@/auth
                grant: password
                client:
                  id: workflow-runtime
                  secret: '${ $secrets.clientSecret }'
                  authentication: client_secret_basic
                username: '${ $secrets.user.username }'
                password: '${ $secrets.user.password }'
        do:
          - first:
              call: http
              with:
                method: get
                endpoint:
                  uri: http://127.0.0.1:@PORT@/api/1
                  authentication: {use: api}
        """,
        "{}",
        call(
            Map.of("clientSecret", "env:CLIENT_SECRET", "user", "env:USER_JSON"),
            Map.of(
                "CLIENT_SECRET",
                CLIENT_SECRET,
                "USER_JSON",
                "{\"username\": \"alice\", \"password\": \"p-secret-1\"}")));
    Received token = received.getFirst();
    assertEquals(
        "Basic "
            + Base64.getEncoder().encodeToString(("workflow-runtime:" + CLIENT_SECRET).getBytes()),
        token.authorization());
    Map<String, String> form = form(token.body());
    assertEquals("password", form.get("grant_type"));
    assertEquals("alice", form.get("username"));
    assertEquals("p-secret-1", form.get("password"));
    assertFalse(form.containsKey("client_secret"), form.toString());
    assertEquals(List.of("Bearer tok-1"), authorizations("/api/1"));
  }

  // dsl-reference.md "Standard Error Types" communication: a token endpoint that cannot be
  // reached fails the call (503), naming the endpoint.
  @Test
  void anUnreachableTokenEndpointIsACommunicationError() throws IOException {
    HttpServer closed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int gone = closed.getAddress().getPort();
    closed.stop(0);
    String yaml =
        oauth2Workflow("auth", 1)
            .replace("authority: http://127.0.0.1:@PORT@", "authority: http://127.0.0.1:" + gone);
    WorkflowError e = fails(yaml, oauth2Call());
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(503, e.status());
    assertTrue(e.detail().contains("127.0.0.1:" + gone + "/auth/oauth2/token"), e.detail());
    assertEquals(List.of(), received);
  }

  // RFC 7616 qop auth-int (a hash of the body) is not implemented: a service that offers only it
  // fails the call with the communication error saying so, instead of an unexplained 401.
  @Test
  void aDigestChallengeWithOnlyAuthIntIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                "",
                """
                uri: http://127.0.0.1:@PORT@/digest-int
                authentication:
                  digest: {username: admin, password: secret}
                """),
            call(Map.of(), Map.of()));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals("Digest challenge not supported", e.title());
    assertTrue(e.detail().contains("auth-int"), e.detail());
    assertEquals(1, received.size());
  }

  // dsl-reference.md "Digest Authentication" (RFC 7616): on the service's 401 Digest challenge the
  // call answers with qop=auth, SHA-256 or MD5 as the challenge says; the server checks it.
  @Test
  void digestAnswersTheChallenge() throws Exception {
    for (String algorithm : List.of("sha", "md5")) {
      JsonNode out =
          run(
              workflow(
                  "use: {secrets: [digestPassword]}\n",
                  """
                  uri: http://127.0.0.1:@PORT@/digest?alg=@ALG@
                  authentication:
                    digest: {username: admin, password: '${ $secrets.digestPassword }'}
                  """
                      .replace("@ALG@", algorithm)),
              "{}",
              call(Map.of("digestPassword", "env:DIGEST"), Map.of("DIGEST", DIGEST_PASSWORD)));
      assertEquals(JSON.readTree("{\"digest\": true}"), out, algorithm);
    }
    assertEquals(4, authorizations("/digest").size());
  }

  static Map<String, String> form(String body) {
    Map<String, String> out = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The one problem validate reports, checked to be at {@code marker}'s line and column. */
  static Problem refused(String yaml, String marker) {
    List<Problem> problems =
        DEFINITIONS.validate("case.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    String[] lines = yaml.split("\n", -1);
    int line = 0;
    while (!lines[line].contains(marker)) {
      line++;
    }
    assertEquals(line + 1, p.line(), p.toString());
    assertEquals(lines[line].indexOf(marker) + 1, p.column(), p.toString());
    return p;
  }

  // dsl.md "Secret": a workflow uses the secrets it lists in use.secrets, nothing else.
  @Test
  void validateRefusesASecretNotListedInUseSecrets() {
    Problem p =
        refused(
            workflow(
                "use: {secrets: [other]}\n",
                """
                uri: https://api.example/x
                authentication:
                  bearer: {token: '${ $secrets.apiToken }'}
                """),
            "'${ $secrets.apiToken }'");
    assertTrue(
        p.message().contains("secret 'apiToken' is not listed in use.secrets"), p.toString());
    p =
        refused(
            workflow(
                "",
                """
                uri: https://api.example/x
                authentication:
                  basic: {use: creds}
                """),
            "creds}");
    assertTrue(p.message().contains("secret 'creds' is not listed in use.secrets"), p.toString());
  }

  // Secrets stay in authentication policies: anywhere else they would reach the run's journal.
  @Test
  void validateRefusesSecretsOutsideAnAuthenticationPolicy() {
    Problem p =
        refused(
            """
            document: {dsl: '1.0.0', namespace: conformance, name: auth, version: '1.0.0'}
            use: {secrets: [apiToken]}
            do:
              - leak:
                  set: {token: '${ $secrets.apiToken }'}
            """,
            "'${ $secrets.apiToken }'");
    assertTrue(p.message().contains("$secrets"), p.toString());
    assertTrue(p.hint().contains("authentication"), p.toString());
  }

  // dsl.md "Runtime expression arguments" lists $authorization (the resolved scheme and
  // credential) in output.as / export.as: it would put the credential in the run's journal, so
  // validate refuses it instead of leaving it to fail at run time.
  @Test
  void validateRefusesTheAuthorizationArgument() {
    Problem p =
        refused(
            """
            document: {dsl: '1.0.0', namespace: conformance, name: auth, version: '1.0.0'}
            do:
              - peek:
                  call: http
                  with:
                    method: get
                    endpoint:
                      uri: https://api.example/x
                      authentication: {bearer: {token: abc}}
                  output: {as: '${ $authorization.parameter }'}
            """,
            "'${ $authorization.parameter }'");
    assertTrue(p.message().contains("$authorization is not provided"), p.toString());
  }

  // dsl-reference.md "Authentication": `use` names a policy of use.authentications.
  @Test
  void validateRefusesAnUnknownPolicyName() {
    Problem p =
        refused(
            workflow(
                "",
                """
                uri: https://api.example/x
                authentication: {use: nowhere}
                """),
            "nowhere}");
    assertTrue(
        p.message().contains("'nowhere' is not defined in use.authentications"), p.toString());
  }

  // What the runtime does not implement is refused, at the key: certificate authentication, the
  // grants that need a user or another token, client authentication by JWT, issuer checks.
  @Test
  void validateRefusesWhatIsNotImplemented() {
    assertTrue(
        refused(
                workflow(
                    "",
                    """
                    uri: https://api.example/x
                    authentication:
                      certificate: {}
                    """),
                "certificate")
            .message()
            .contains("certificate"));
    String oauth =
        """
        uri: https://api.example/x
        authentication:
          oauth2:
            authority: https://auth.example
            grant: authorization_code
            client: {id: me}
        """;
    Problem grant = refused(workflow("", oauth), "authorization_code");
    assertTrue(grant.message().contains("grant 'authorization_code'"), grant.toString());
    assertTrue(grant.hint().contains("client_credentials"), grant.toString());
    Problem jwt =
        refused(
            workflow(
                "",
                oauth
                    .replace("authorization_code", "client_credentials")
                    .replace("{id: me}", "{id: me, authentication: private_key_jwt}")),
            "private_key_jwt");
    assertTrue(jwt.message().contains("private_key_jwt"), jwt.toString());
    Problem issuers =
        refused(
            workflow(
                "",
                oauth.replace("authorization_code", "client_credentials")
                    + "    issuers: [https://auth.example]\n"),
            "issuers");
    assertTrue(issuers.message().contains("issuers"), issuers.toString());
  }
}
