package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.yaml.YamlException;
import io.tramontane.core.yaml.YamlReader;

/**
 * Reads an untrusted definition with the platform's hardened YAML reader ({@link YamlReader}: size,
 * aliases, tags, duplicate and merge keys, depth, syntax, each refusal with its line and column)
 * under {@code tramontane.workflows.max-definition-bytes} and {@code max-aliases}.
 */
final class YamlTree {

  /** Deepest nesting accepted; real workflows stay well under 30. */
  static final int MAX_DEPTH = 64;

  /** Most values (after alias expansion) in one definition. */
  static final int MAX_VALUES = 200_000;

  /** A definition the YAML layer refuses; nothing after it can be checked. */
  static final class Refused extends RuntimeException {
    final transient Problem problem;

    Refused(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
  }

  private YamlTree() {}

  /** The tree of {@code bytes}; its value locations are recorded in {@code where}. */
  static JsonNode read(byte[] bytes, WorkflowSettings settings, Locations where) {
    JsonNode tree;
    try {
      tree = YamlReader.read(bytes, limits(settings), where.positions());
    } catch (YamlException e) {
      throw new Refused(
          new Problem(where.source(), e.line(), e.column(), e.getMessage(), e.hint()));
    }
    if (tree == null) {
      throw new Refused(
          new Problem(
              where.source(),
              1,
              1,
              "the definition is empty",
              "start with 'document:' (dsl, namespace, name, version) and 'do:'"));
    }
    return tree;
  }

  private static YamlReader.Limits limits(WorkflowSettings settings) {
    return new YamlReader.Limits(
        "the definition",
        settings.maxDefinitionBytes(),
        "tramontane.workflows.max-definition-bytes",
        settings.maxAliases(),
        "tramontane.workflows.max-aliases",
        MAX_DEPTH,
        MAX_VALUES);
  }

  /** The problem of a definition of {@code size} bytes, over the limit. */
  static Problem tooLarge(String source, long size, WorkflowSettings settings) {
    return new Problem(
        source,
        1,
        1,
        "the definition is "
            + YamlReader.size(size)
            + ", over the limit of "
            + YamlReader.size(settings.maxDefinitionBytes()),
        "split it into smaller workflows, or raise tramontane.workflows.max-definition-bytes");
  }
}
