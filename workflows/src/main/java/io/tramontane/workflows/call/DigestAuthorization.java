package io.tramontane.workflows.call;

import io.tramontane.core.outbound.PinnedHttpExchange;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of HTTP Digest (RFC 7616) for {@code digest} policies (dsl-reference.md "Digest
 * Authentication"): the request goes out without credentials; a 401 with a {@code Digest} challenge
 * is answered once, algorithm {@code SHA-256} (preferred) or {@code MD5}, each also in its {@code
 * -sess} form, {@code qop=auth} (or none when the challenge names no qop, RFC 2069). A challenge
 * offering only {@code qop=auth-int} or another algorithm fails the call with the communication
 * error saying so.
 */
final class DigestAuthorization {

  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z0-9_-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]+))");
  private static final List<String> ALGORITHMS =
      List.of("SHA-256", "SHA-256-SESS", "MD5", "MD5-SESS");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DigestAuthorization() {}

  /**
   * The {@code Authorization} value answering {@code response}'s challenge, or null when it has no
   * Digest challenge.
   */
  static String answer(
      PinnedHttpExchange.Response response,
      String method,
      URI uri,
      String user,
      String password,
      String ref) {
    Map<String, String> best = null;
    int rank = Integer.MAX_VALUE;
    String offered = null;
    for (Map.Entry<String, String> h : response.headers()) {
      String value = h.getValue().strip();
      if (!h.getKey().equals("www-authenticate")
          || !value.regionMatches(true, 0, "Digest ", 0, 7)) {
        continue;
      }
      Map<String, String> p = params(value.substring(7));
      String algorithm = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
      offered = algorithm + (p.containsKey("qop") ? ", qop " + p.get("qop") : "");
      int r = ALGORITHMS.indexOf(algorithm);
      if (r >= 0 && r < rank && (!p.containsKey("qop") || qops(p).contains("auth"))) {
        best = p;
        rank = r;
      }
    }
    if (offered == null) {
      return null;
    }
    if (best == null) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          401,
          "Digest challenge not supported",
          "the service asks for digest "
              + offered
              + "; Tramontane answers SHA-256 or MD5 (and -sess) with qop=auth",
          ref);
    }
    String algorithm = ALGORITHMS.get(rank);
    String hash = algorithm.startsWith("MD5") ? "MD5" : "SHA-256";
    String realm = best.getOrDefault("realm", "");
    String nonce = best.getOrDefault("nonce", "");
    String cnonce = HexFormat.of().formatHex(bytes());
    String nc = "00000001";
    String ha1 = hex(hash, user + ":" + realm + ":" + password);
    if (algorithm.endsWith("-SESS")) {
      ha1 = hex(hash, ha1 + ":" + nonce + ":" + cnonce);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String digestUri = path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String ha2 = hex(hash, method + ":" + digestUri);
    boolean qop = best.containsKey("qop");
    String response2 =
        qop
            ? hex(hash, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
            : hex(hash, ha1 + ":" + nonce + ":" + ha2);
    StringBuilder b = new StringBuilder("Digest ");
    b.append("username=").append(quote(user));
    b.append(", realm=").append(quote(realm));
    b.append(", nonce=").append(quote(nonce));
    b.append(", uri=").append(quote(digestUri));
    b.append(", algorithm=").append(best.getOrDefault("algorithm", "MD5"));
    b.append(", response=").append(quote(response2));
    if (qop) {
      b.append(", qop=auth, nc=").append(nc).append(", cnonce=").append(quote(cnonce));
    }
    if (best.containsKey("opaque")) {
      b.append(", opaque=").append(quote(best.get("opaque")));
    }
    return b.toString();
  }

  private static byte[] bytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }

  private static List<String> qops(Map<String, String> p) {
    return List.of(p.get("qop").toLowerCase(Locale.ROOT).replace(" ", "").split(","));
  }

  private static Map<String, String> params(String text) {
    Map<String, String> out = new HashMap<>();
    Matcher m = PARAM.matcher(text);
    while (m.find()) {
      String v = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
      out.put(m.group(1).toLowerCase(Locale.ROOT), v);
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String hex(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
  }
}
