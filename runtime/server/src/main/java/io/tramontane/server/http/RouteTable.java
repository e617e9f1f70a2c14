package io.tramontane.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every route of the HTTP API, with how it is authenticated. The edge dispatches only through this
 * table and applies the access policy before any handler runs, so a route cannot exist without one;
 * tests walk {@link #specs()} to call every route without credentials.
 */
public final class RouteTable {

  /** How a route authenticates its caller. */
  public enum Access {
    /** No credentials (health probes). */
    PUBLIC,
    /** Authenticated by the request's signature, checked by the handler (webhooks). */
    SIGNED,
    /** {@code Authorization: Bearer <api key>} with the route's scope. */
    API_KEY
  }

  /** A route's method, path template ({@code /hooks/{trigger}}), access and required scope. */
  public record Spec(String method, String template, Access access, String scope) {

    Pattern pattern() {
      String regex =
          Pattern.compile("\\{([a-zA-Z]+)}")
              .matcher(template)
              .replaceAll(m -> "(?<" + m.group(1) + ">[^/]+)");
      return Pattern.compile(regex);
    }
  }

  /** A handler receives the authenticated caller and the path variables. */
  @FunctionalInterface
  public interface Handler extends BiFunction<Principal, Map<String, String>, Route> {}

  record Entry(Spec spec, Pattern pattern, List<String> names, Handler handler) {}

  private final List<Entry> entries = new ArrayList<>();

  /** A route for API keys that hold {@code scope}: most routes. */
  RouteTable key(String method, String template, String scope, Handler handler) {
    return add(method, template, Access.API_KEY, scope, handler);
  }

  RouteTable add(String method, String template, Access access, String scope, Handler handler) {
    Spec spec = new Spec(method, template, access, scope);
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([a-zA-Z]+)}").matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    entries.add(new Entry(spec, spec.pattern(), names, handler));
    return this;
  }

  public List<Spec> specs() {
    return entries.stream().map(Entry::spec).toList();
  }

  /** The result of matching a request path against the table. */
  sealed interface Match {}

  record Found(Entry entry, Map<String, String> variables) implements Match {}

  record WrongMethod(List<String> allowed) implements Match {}

  record NoRoute() implements Match {}

  Match match(String method, String path) {
    List<String> allowed = new ArrayList<>();
    for (Entry e : entries) {
      Matcher m = e.pattern().matcher(path);
      if (!m.matches()) {
        continue;
      }
      if (!e.spec().method().equals(method)) {
        allowed.add(e.spec().method());
        continue;
      }
      Map<String, String> vars = new LinkedHashMap<>();
      for (String name : e.names()) {
        vars.put(name, m.group(name));
      }
      return new Found(e, vars);
    }
    return allowed.isEmpty() ? new NoRoute() : new WrongMethod(allowed);
  }
}
