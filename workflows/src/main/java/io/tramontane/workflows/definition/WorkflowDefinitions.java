package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.serverlessworkflow.api.WorkflowFormat;
import io.serverlessworkflow.api.WorkflowReader;
import io.serverlessworkflow.api.types.Workflow;
import io.tramontane.core.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads workflow definitions (CNCF Serverless Workflow DSL 1.0, YAML) and checks them in three
 * layers, reporting every problem as {@code file:line:column: what — how to fix}:
 *
 * <ol>
 *   <li>YAML hardening ({@link YamlTree}): size, aliases, tags, duplicate keys, depth, syntax;
 *   <li>the DSL's JSON schema ({@link DslSchema}), shipped in the SDK jar;
 *   <li>Tramontane's profile ({@link Profile}): supported task types and calls, unique task names,
 *       {@code then} targets, jq expressions, endpoints, durations.
 * </ol>
 *
 * <p>Thread-safe; one instance serves the whole node.
 */
public final class WorkflowDefinitions {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkflowSettings settings;

  /** With the defaults of reference.conf. */
  public WorkflowDefinitions() {
    this(WorkflowSettings.DEFAULTS);
  }

  public WorkflowDefinitions(WorkflowSettings settings) {
    this.settings = settings;
  }

  /**
   * Every problem with the definition, in source order; empty when it is valid. {@code source}
   * names it in messages (a path or an upload's name).
   */
  public List<Problem> validate(String source, byte[] yaml) {
    return analyse(source, yaml, null).problems();
  }

  /**
   * Every problem with the file, in source order; a file over the size limit is refused without
   * being read.
   *
   * @throws IOException when the file cannot be read
   */
  public List<Problem> validate(Path file) throws IOException {
    long size = Files.size(file);
    if (size > settings.maxDefinitionBytes()) {
      return List.of(YamlTree.tooLarge(file.toString(), size, settings));
    }
    return validate(file.toString(), Files.readAllBytes(file));
  }

  /**
   * The definition, or a {@link WorkflowDefinitionException} listing every problem.
   *
   * @throws WorkflowDefinitionException when the definition is not valid in Tramontane's profile
   */
  public WorkflowDefinition parse(String source, byte[] yaml) {
    return parse(source, yaml, null);
  }

  /**
   * The definition, which must be named {@code expectedName} (the name in a deployment's path;
   * null: any name), or a {@link WorkflowDefinitionException} listing every problem, a name that
   * differs among them at the place of {@code document.name}.
   */
  public WorkflowDefinition parse(String source, byte[] yaml, String expectedName) {
    Analysis a = analyse(source, yaml, expectedName);
    if (!a.problems().isEmpty()) {
      throw new WorkflowDefinitionException(a.problems());
    }
    JsonNode tree = a.tree();
    Workflow workflow;
    try {
      // The tree is already checked and alias-free: hand the SDK plain JSON, never the YAML.
      workflow =
          WorkflowReader.noValidation()
              .read(JSON.writeValueAsBytes(forSdk(tree)), WorkflowFormat.JSON);
    } catch (IOException | RuntimeException e) {
      throw new WorkflowDefinitionException(
          List.of(
              new Problem(
                  source,
                  1,
                  1,
                  "the Serverless Workflow SDK cannot read the definition: " + e.getMessage(),
                  "report this: the definition passed the DSL schema")));
    }
    JsonNode document = tree.path("document");
    return new WorkflowDefinition(
        document.path("namespace").asText(),
        document.path("name").asText(),
        document.path("version").asText(),
        workflow,
        tree,
        Sha256.hex(yaml),
        source);
  }

  /** The SDK's model (DSL 1.0.1) has no {@code evaluate}; the profile allows only its defaults. */
  private static JsonNode forSdk(JsonNode tree) {
    return tree.has("evaluate") ? ((ObjectNode) tree.deepCopy()).without("evaluate") : tree;
  }

  private record Analysis(JsonNode tree, List<Problem> problems) {}

  private Analysis analyse(String source, byte[] yaml, String expectedName) {
    Locations where = new Locations(source);
    JsonNode tree;
    try {
      tree = YamlTree.read(yaml, settings, where);
    } catch (YamlTree.Refused refused) {
      return new Analysis(null, List.of(refused.problem));
    }
    if (!tree.isObject()) {
      return new Analysis(
          tree,
          List.of(
              where.at(
                  "",
                  "a workflow definition is a YAML mapping",
                  "start with 'document:' (dsl, namespace, name, version) and 'do:'")));
    }
    Set<String> claimed = new LinkedHashSet<>();
    Map<String, String> tasks = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>(Profile.check(tree, where, claimed, tasks));
    problems.addAll(DslSchema.check(tree, where, tasks, claimed));
    String name = tree.path("document").path("name").asText("");
    if (expectedName != null && !name.isEmpty() && !name.equals(expectedName)) {
      problems.add(
          where.at(
              "/document/name",
              "document.name '" + name + "' differs from the path's '" + expectedName + "'",
              "deploy it to /workflows/"
                  + name
                  + " or change document.name to '"
                  + expectedName
                  + "'; nothing was deployed"));
    }
    problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
    return new Analysis(tree, List.copyOf(new LinkedHashSet<>(problems)));
  }
}
