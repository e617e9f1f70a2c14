package io.tramontane.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.InvalidRequestException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tramontane runs …}: the runs of a server's workflows, over its HTTP API — list them, show
 * one with its task history, watch one until it ends, cancel it, or deliver an approval event to
 * it.
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
      "List, show, watch, cancel or approve workflow runs on a running server.",
      "Over HTTP, with an API key. Exit code 2 when the request is refused as sent (unknown"
          + " workflow or run, bad key), 1 when the server cannot be reached or asks to retry."
    },
    subcommands = {
      RunsList.class,
      RunsCommand.Show.class,
      RunsCommand.Watch.class,
      RunsCommand.Cancel.class,
      RunsCommand.Approve.class
    })
final class RunsCommand implements Runnable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> ENDS = Set.of("completed", "failed", "cancelled");

  /** Exit code of {@code watch} when the run failed or was cancelled (as {@code run}'s errors). */
  static final int RUN_DID_NOT_COMPLETE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String name(String what, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new InvalidRequestException(
          what + " '" + value + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    return value;
  }

  static String runPath(String workflow, String run) {
    return "/workflows/" + name("workflow name", workflow) + "/runs/" + name("run name", run);
  }

  /** One line per run event: sequence number, time, type and what happened. */
  static String line(JsonNode e) {
    String at = seconds(e.path("at").asText(""));
    String type = e.path("type").asText();
    String what =
        switch (type) {
          case "started" -> "input " + brief(e.get("input"));
          case "effect" -> e.path("key").asText() + "  " + outcome(e);
          case "event" ->
              e.path("event").path("type").asText()
                  + " (id "
                  + e.path("event").path("id").asText()
                  + ")";
          case "completed" -> "output " + brief(e.get("output"));
          case "failed" -> problem(e.get("error"));
          case "cancelled" -> "by " + e.path("by").asText();
          default -> brief(e);
        };
    return String.format("  #%-4d %-20s %-10s %s", e.path("seq").asLong(), at, type, what);
  }

  /** An ISO instant to the second ({@code 2026-03-01T10:00:00Z}); "-" when there is none. */
  static String seconds(String instant) {
    if (instant.isEmpty() || instant.equals("null")) {
      return "-";
    }
    return instant.length() > 19 ? instant.substring(0, 19) + "Z" : instant;
  }

  private static String outcome(JsonNode e) {
    JsonNode o = e.path("outcome");
    if (e.has("timer")) {
      return "timer due " + o.asText();
    }
    if (o.has("error")) {
      return "error: " + problem(o.get("error"));
    }
    if (o.has("result")) {
      return "-> " + brief(o.get("result"));
    }
    if (o.has("emitted")) {
      return "emitted";
    }
    if (o.has("fired")) {
      return "timer fired";
    }
    if (o.isArray()) {
      return "took " + o.size() + " event(s)";
    }
    return brief(o);
  }

  private static String problem(JsonNode error) {
    if (error == null || !error.isObject()) {
      return brief(error);
    }
    String detail = error.path("detail").asText("");
    return error.path("title").asText("Error")
        + (detail.isEmpty() ? "" : ": " + detail)
        + (error.hasNonNull("instance") ? " (at " + error.get("instance").asText() + ")" : "");
  }

  static String brief(JsonNode n) {
    String s = n == null ? "null" : n.toString();
    return s.length() > 100 ? s.substring(0, 99) + "…" : s;
  }

  static String pretty(JsonNode n) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      return String.valueOf(n);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new ServerClient.ServerException("the server sent an event that is not JSON.", true);
    }
  }

  /** Prints the output or the error of an ended run; returns the exit code. */
  static int ending(PrintWriter out, String status, JsonNode output, JsonNode error, String by) {
    switch (status) {
      case "completed" -> {
        out.println("Output:");
        out.println(pretty(output));
        return 0;
      }
      case "failed" -> {
        out.println("The run failed:");
        out.println(pretty(error));
        return RUN_DID_NOT_COMPLETE;
      }
      default -> {
        out.println("The run was cancelled" + (by == null ? "." : " by " + by + "."));
        return RUN_DID_NOT_COMPLETE;
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      footer = {"", "The API key needs the scope workflows:read."},
      description = "Show a run: its status, every recorded event in order, its output or error.")
  static final class Show implements Callable<Integer> {
    @Mixin ServerOptions server;
    @Mixin RunTarget target;

    @Override
    public Integer call() {
      PrintWriter out = server.out();
      String path = target.path();
      ServerClient client = server.client();
      JsonNode state = client.get(path);
      String status = state.path("status").asText();
      out.printf(
          "Run %s of workflow %s: %s (definition %s)%n",
          target.run, target.workflow, status, state.path("definitionHash").asText());
      String[] by = {null};
      client.events(
          path + "/stream?follow=false",
          null,
          e -> {
            JsonNode event = parse(e.data());
            if ("cancelled".equals(event.path("type").asText())) {
              by[0] = event.path("by").asText(null);
            }
            out.println(line(event));
          });
      if (ENDS.contains(status)) {
        ending(out, status, state.get("output"), state.get("error"), by[0]);
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "watch",
      mixinStandardHelpOptions = true,
      footer = {"", "The API key needs the scope workflows:read."},
      description = {
        "Follow a run's events as they happen until it ends, then print its output or error.",
        "Exit code 0 when it completed, 3 when it failed or was cancelled."
      })
  static final class Watch implements Callable<Integer> {
    @Mixin ServerOptions server;
    @Mixin RunTarget target;

    @Option(
        names = "--reconnect",
        paramLabel = "N",
        description =
            "Reconnections after a dropped stream before giving up (default: ${DEFAULT-VALUE}).")
    int reconnect = 10;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = server.out();
      String path = target.path();
      ServerClient client = server.client();
      out.printf(
          "Watching run %s of workflow %s on %s%n", target.run, target.workflow, client.base());
      out.flush();
      String[] last = {null};
      JsonNode[] end = {null};
      int failures = 0;
      while (true) {
        try {
          client.events(
              path + "/stream",
              last[0],
              e -> {
                JsonNode event = parse(e.data());
                out.println(line(event));
                out.flush();
                last[0] = e.id();
                if (ENDS.contains(event.path("type").asText())) {
                  end[0] = event;
                }
              });
        } catch (ServerClient.ServerException e) {
          // A dropped stream (server restart) resumes after the last event seen; a refusal or a
          // server that never answered ends here.
          if (!e.retriable() || last[0] == null || ++failures > reconnect) {
            throw e;
          }
          Thread.sleep(1_000);
          continue;
        }
        if (end[0] != null) {
          JsonNode e = end[0];
          return ending(
              out,
              e.path("type").asText(),
              e.get("output"),
              e.get("error"),
              e.path("by").asText(null));
        }
        // The stream ended without the run's end: it ended before the events asked for (nothing
        // later to send), or the server is going away. The run's state decides.
        JsonNode state = client.get(path);
        String status = state.path("status").asText();
        if (ENDS.contains(status)) {
          return ending(out, status, state.get("output"), state.get("error"), null);
        }
        if (++failures > reconnect) {
          throw new ServerClient.ServerException(
              "the event stream of run "
                  + target.run
                  + " keeps ending while the run is "
                  + status
                  + ".",
              true);
        }
        Thread.sleep(1_000);
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      footer = {"", "The API key needs the scope workflows:run."},
      description = "Cancel a run.")
  static final class Cancel implements Callable<Integer> {
    @Mixin ServerOptions server;
    @Mixin RunTarget target;

    @Override
    public Integer call() {
      server.client().post(target.path() + "/cancel", null);
      server.out().printf("Cancelled run %s of workflow %s.%n", target.run, target.workflow);
      return 0;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      footer = {"", "The API key needs the scope workflows:run."},
      description = {
        "Deliver an event to a run's listen tasks (by default an approval).",
        "The default type is io.tramontane.approval.granted. An event id is delivered once."
      })
  static final class Approve implements Callable<Integer> {
    @Mixin ServerOptions server;
    @Mixin RunTarget target;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "The event's type (default: ${DEFAULT-VALUE}).")
    String type = "io.tramontane.approval.granted";

    @Option(
        names = "--data",
        paramLabel = "JSON",
        description = "The event's data, e.g. '{\"by\": \"carol\"}'.")
    String data;

    @Option(
        names = "--id",
        paramLabel = "ID",
        description = "The event's id (default: a new one); sending the same id again is a no-op.")
    String id;

    @Override
    public Integer call() {
      ObjectNode event = JSON.createObjectNode().put("type", type);
      if (id != null) {
        event.put("id", id);
      }
      if (data != null) {
        event.set("data", JsonArgument.parse("--data", data));
      }
      server.client().post(target.path() + "/events", event.toString());
      server
          .out()
          .printf("Delivered %s to run %s of workflow %s.%n", type, target.run, target.workflow);
      return 0;
    }
  }
}
