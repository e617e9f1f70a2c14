package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.SecretReference;
import io.tramontane.core.TramontaneConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options of the commands that talk to a running server over HTTP. */
final class ServerOptions {

  /** The command this is mixed into: where it prints. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The command's output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "The server's base URL (env TRAMONTANE_SERVER). Default: http://<host>:<port> of the"
              + " configuration (tramontane.server.host/port, env TRAMONTANE_HTTP_HOST/PORT,"
              + " --config).")
  String server;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "API key, or a reference env:NAME or file:/path (default: env TRAMONTANE_API_KEY); the"
              + " scope it needs is named below.")
  String apiKey;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file the default server address is read from.")
  Path config;

  /** For tests: the environment the defaults are read from. */
  Function<String, String> env = System::getenv;

  ServerClient client() {
    return new ServerClient(base(), key());
  }

  URI base() {
    String url = server != null ? server : env.apply("TRAMONTANE_SERVER");
    if (url == null || url.isBlank()) {
      Config c = TramontaneConfig.load(Optional.ofNullable(config), Map.of());
      String host = c.getString("tramontane.server.host");
      if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
        host = "127.0.0.1";
      } else if (host.contains(":") && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      url = "http://" + host + ":" + c.getInt("tramontane.server.port");
    }
    URI uri;
    try {
      uri = URI.create(url.strip().replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("--server '" + url + "' is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new InvalidRequestException(
          "--server '" + url + "' must be an http(s) URL, e.g. http://127.0.0.1:8080.");
    }
    return uri;
  }

  String key() {
    String k = apiKey != null ? apiKey : env.apply("TRAMONTANE_API_KEY");
    if (k == null || k.isBlank()) {
      throw new InvalidRequestException(
          "no API key: pass --api-key (a key, env:NAME or file:/path) or export"
              + " TRAMONTANE_API_KEY.");
    }
    if (k.startsWith("env:") || k.startsWith("file:")) {
      return SecretReference.resolve("--api-key", k, env);
    }
    return k.strip();
  }
}
