package io.tramontane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the {@code wrk} HTTP load generator (Debian package {@code wrk}) and reads the figures its
 * Lua {@code done()} hook prints as one JSON line, so nothing depends on wrk's human-readable
 * output. wrk's Lua cannot compute HMACs, so signed requests are prepared beforehand ({@link
 * SignedRequests}) and replayed by {@link #POST_SCRIPT}.
 */
final class Wrk {

  private static final String MARKER = "TRAMONTANE-BENCH ";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Shared by both scripts: numbers the threads, sums their counters and prints the result. The
   * counters ({@code accepted}, {@code other}, {@code sent}, {@code exhausted}) only exist in the
   * POST script's threads.
   */
  private static final String COMMON =
      """
      local threads = {}
      local count = 0

      function setup(thread)
        thread:set("tid", count)
        count = count + 1
        table.insert(threads, thread)
      end

      local function sum(name)
        local total = 0
        for _, t in ipairs(threads) do
          total = total + (t:get(name) or 0)
        end
        return total
      end

      function done(summary, latency, requests)
        local e = summary.errors
        io.write(string.format(
          'TRAMONTANE-BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,'
          .. '"max_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
          .. '"accepted":%d,"other":%d,"sent":%d,"exhausted":%d}\\n',
          summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
          latency.max, e.connect, e.read, e.write, e.status, e.timeout,
          sum("accepted"), sum("other"), sum("sent"), sum("exhausted")))
      end
      """;

  /** {@code GET /health}: a static request, nothing per request in Lua. */
  static final String GET_SCRIPT = COMMON;

  /**
   * Replays pre-signed Standard Webhooks requests. Arguments: the requests file (one line per
   * request: id, timestamp, signature, tab-separated), the body file, the number of threads, and a
   * path prefix for each thread's list of accepted ids. Thread {@code i} of {@code n} takes lines
   * {@code i, i+n, i+2n, ...}; a thread that runs out of lines stops and says so.
   */
  static final String POST_SCRIPT =
      COMMON
          + """

          function init(args)
            stride = tonumber(args[3]) - 1
            lines = assert(io.open(args[1], "r"))
            local b = assert(io.open(args[2], "rb"))
            body = b:read("*a")
            b:close()
            ids = assert(io.open(args[4] .. tid, "w"))
            ids:setvbuf("line")
            for i = 1, tid do lines:read("*l") end
            sent, accepted, other, exhausted = 0, 0, 0, 0
            headers = { ["Content-Type"] = "application/json" }
          end

          function request()
            local line = lines:read("*l")
            for i = 1, stride do lines:read("*l") end
            if line == nil then
              exhausted = 1
              wrk.thread:stop()
              return wrk.format("GET", "/health")
            end
            local id, ts, sig = line:match("^([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)$")
            headers["webhook-id"] = id
            headers["webhook-timestamp"] = ts
            headers["webhook-signature"] = sig
            sent = sent + 1
            return wrk.format("POST", wrk.path, headers, body)
          end

          function response(status, hdrs, resp)
            if status == 202 then
              accepted = accepted + 1
              local id = resp:match('"deliveryId":"([^"]+)"')
              if id then ids:write(id, "\\n") end
            else
              other = other + 1
            end
          end
          """;

  /** One wrk run's figures. {@code accepted}/{@code other} are 202 versus any other status. */
  record Run(
      int threads,
      int connections,
      long requests,
      double seconds,
      double perSecond,
      double p50Ms,
      double p99Ms,
      double maxMs,
      long socketErrors,
      long timeouts,
      long non2xx3xx,
      long sent,
      long accepted,
      long other,
      boolean ranOutOfRequests) {}

  private final Path executable;
  private final Path workDir;

  private Wrk(Path executable, Path workDir) {
    this.executable = executable;
    this.workDir = workDir;
  }

  /** The wrk on the PATH (or in /usr/bin), if installed. */
  static Optional<Wrk> find(Path workDir) {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir, "wrk"));
        }
      }
    }
    candidates.add(Path.of("/usr/bin/wrk"));
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .map(p -> new Wrk(p, workDir));
  }

  /**
   * Runs wrk against {@code url} and blocks until it is done.
   *
   * @param script the Lua script's text
   * @param scriptArgs passed to the script's {@code init(args)}
   */
  Run run(
      String url,
      String script,
      int threads,
      int connections,
      Duration duration,
      List<String> scriptArgs)
      throws IOException, InterruptedException {
    Path scriptFile = workDir.resolve("wrk-" + Integer.toHexString(script.hashCode()) + ".lua");
    Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(
        List.of(
            "-t" + threads,
            "-c" + connections,
            "-d" + duration.toSeconds() + "s",
            "--timeout",
            "10s",
            "-s",
            scriptFile.toString(),
            url));
    if (!scriptArgs.isEmpty()) {
      command.add("--");
      command.addAll(scriptArgs);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    String line =
        output
            .lines()
            .filter(l -> l.startsWith(MARKER))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "wrk exited with " + exit + " and printed no result:\n" + output));
    JsonNode r;
    try {
      r = JSON.readTree(line.substring(MARKER.length()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read wrk's result line: " + line, e);
    }
    long requests = r.get("requests").asLong();
    double seconds = r.get("duration_us").asLong() / 1e6;
    return new Run(
        threads,
        connections,
        requests,
        seconds,
        requests / seconds,
        r.get("p50_us").asLong() / 1e3,
        r.get("p99_us").asLong() / 1e3,
        r.get("max_us").asLong() / 1e3,
        r.get("connect").asLong() + r.get("read").asLong() + r.get("write").asLong(),
        r.get("timeout").asLong(),
        r.get("status").asLong(),
        r.get("sent").asLong(),
        r.get("accepted").asLong(),
        r.get("other").asLong(),
        r.get("exhausted").asLong() > 0);
  }
}
