package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The document-level settings the runtime must implement: {@code document.dsl}, the DSL version
 * (only the 1.0.x versions the bundled schema covers), and {@code evaluate} (dsl-reference.md
 * "Evaluate"): {@code language} jq and {@code mode} strict — the defaults — are the only ones
 * Tramontane runs; {@code loose} (every string of the definition evaluated, a failure giving the
 * string itself) is refused rather than approximated.
 */
final class ProfileDocument {

  private static final Set<String> EVALUATE = Set.of("language", "mode");

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;

  ProfileDocument(Locations where, List<Problem> problems, Set<String> claimed) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
  }

  /** The versions this runtime implements: 1.0.0 up to the bundled schema's (e.g. 1.0.1). */
  static List<String> versions() {
    String[] schema = DslSchema.version().split("\\.");
    int patch = schema.length == 3 && schema[2].matches("\\d+") ? Integer.parseInt(schema[2]) : 0;
    return IntStream.rangeClosed(0, patch).mapToObj(p -> "1.0." + p).toList();
  }

  void dsl(JsonNode dsl) {
    if (dsl == null || !dsl.isTextual()) {
      return; // the schema requires a string
    }
    List<String> versions = versions();
    String version = dsl.asText();
    if (versions.contains(version)) {
      return;
    }
    claimed.add("/document/dsl");
    String listed =
        String.join(", ", versions.subList(0, versions.size() - 1))
            + (versions.size() > 1 ? " and " : "")
            + versions.getLast();
    problems.add(
        where.at(
            "/document/dsl",
            "DSL version '" + version + "' is not implemented: Tramontane runs DSL " + listed,
            "write dsl: '"
                + versions.getLast()
                + "'"
                + (versions.size() > 1 ? " (or '" + versions.getFirst() + "')" : "")));
  }

  void evaluate(JsonNode evaluate) {
    if (evaluate == null) {
      return;
    }
    claimed.add("/evaluate");
    if (!evaluate.isObject()) {
      problems.add(
          where.at(
              "/evaluate",
              "evaluate is a mapping of language and mode",
              "write evaluate: {language: jq, mode: strict}, or leave it out (the defaults)"));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = evaluate.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String pointer = "/evaluate/" + Locations.escape(e.getKey());
      String value = e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString();
      if (!EVALUATE.contains(e.getKey())) {
        problems.add(
            where.atKey(
                pointer,
                "evaluate has no '" + e.getKey() + "'",
                "evaluate takes language (jq) and mode (strict)"));
      } else if (e.getKey().equals("language") && !value.equals("jq")) {
        problems.add(
            where.at(
                pointer,
                "evaluate.language '" + value + "' is not supported: runtime expressions are jq",
                "write the expressions in jq and use language: jq (the default)"));
      } else if (e.getKey().equals("mode") && value.equals("loose")) {
        problems.add(
            where.at(
                pointer,
                "evaluate.mode 'loose' is not supported: Tramontane evaluates in strict mode",
                "write every expression inside ${ … } and remove mode (strict is the default)"));
      } else if (e.getKey().equals("mode") && !value.equals("strict")) {
        problems.add(
            where.at(
                pointer,
                "evaluate.mode '" + value + "' is not a mode: the DSL has strict and loose",
                "use mode: strict (the default), with every expression inside ${ … }"));
      }
    }
  }
}
