package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /**
   * The versions this runtime implements. The bundled schema is DSL 1.0.1. The later patch releases
   * (1.0.2, 1.0.3) add constructs; {@code set} as a single expression runs, and those outside the
   * profile (the a2a and mcp calls, {@code stdin}/{@code arguments} on {@code run}) are refused at
   * validate by the 1.0.1 schema or by this profile, at their key.
   */
  static List<String> versions() {
    return VERSIONS;
  }

  private static final List<String> VERSIONS = List.of("1.0.0", "1.0.1", "1.0.2", "1.0.3");

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
    problems.add(
        where.at(
            "/document/dsl",
            "DSL version '"
                + version
                + "' is not implemented: Tramontane runs DSL "
                + versions.getFirst()
                + " to "
                + versions.getLast(),
            "write dsl: '" + versions.getLast() + "'"));
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
