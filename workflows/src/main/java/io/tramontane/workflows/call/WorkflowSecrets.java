package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import io.tramontane.workflows.run.Expressions;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workflows' secrets (dsl.md "Secret"): a definition lists the names it uses in {@code
 * use.secrets}; their values come from the platform's configuration, {@value #KEY}{@code .<name> =
 * "env:VAR"} or {@code "file:/path"} ({@link SecretReference}), never from YAML. Such a secret is
 * the tenant's of {@code tramontane.workflows.tenant} (the definitions directory's); {@code <name>
 * { reference = "env:VAR", tenants = [acme, beta] }} gives it to those tenants: a definition
 * another tenant deploys cannot read it. A reference is resolved when a call uses it (a rotated
 * file is read again), and every value is registered with the log redaction. A value that is a JSON
 * object ({@code {"username": …, "password": …}}) is that object, anything else is a string. A
 * secret that is not configured or cannot be read is the DSL's authorization error (403) naming the
 * secret, never a value.
 *
 * <p>Secrets are used by authentication policies only: {@code basic: {use: <secret>}} (the secret
 * holds the policy's properties) or {@code ${ $secrets.<name> … }} in a policy's field, evaluated
 * here, on the call, so no secret enters the run's input, output or journal.
 */
public final class WorkflowSecrets {

  /** The configuration block: one reference per secret name. */
  public static final String KEY = "tramontane.workflows.secrets";

  /** dsl.md "Secret": a secret that does not exist or may not be accessed. */
  public static final String AUTHORIZATION =
      "https://serverlessworkflow.io/spec/1.0.0/errors/authorization";

  /** {@code $secrets.name} or {@code $secrets["name"]} in a runtime expression. */
  public static final Pattern REFERENCE =
      Pattern.compile("\\$secrets(?:\\.([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*\"([^\"]+)\"\\s*\\])");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One configured secret: its reference and the tenants whose workflows may read it. */
  public record Secret(String reference, Set<String> tenants) {
    public Secret {
      tenants = Set.copyOf(tenants);
    }
  }

  private final Map<String, Secret> secrets;
  private final Function<String, String> env;

  /**
   * @param secrets secret name to its reference ({@code env:VAR} / {@code file:/path}) and tenants
   * @param env the environment lookup ({@code System::getenv} in production)
   */
  public WorkflowSecrets(Map<String, Secret> secrets, Function<String, String> env) {
    this.secrets = Map.copyOf(secrets);
    this.env = env;
  }

  /** {@code references} (name to reference), all of tenant {@code tenant}. */
  public static WorkflowSecrets of(
      String tenant, Map<String, String> references, Function<String, String> env) {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    references.forEach((name, ref) -> secrets.put(name, new Secret(ref, Set.of(tenant))));
    return new WorkflowSecrets(secrets, env);
  }

  /** No secret configured. */
  public static WorkflowSecrets none() {
    return new WorkflowSecrets(Map.of(), name -> null);
  }

  /** The secrets under {@value #KEY} (absent: none). */
  public static WorkflowSecrets fromConfig(Config config) {
    return fromConfig(config, System::getenv);
  }

  static WorkflowSecrets fromConfig(Config config, Function<String, String> env) {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    if (config.hasPath(KEY)) {
      String tenant = config.getString("tramontane.workflows.tenant");
      Config c = config.getConfig(KEY);
      for (String name : c.root().keySet()) {
        String path = ConfigUtil.joinPath(name);
        if (c.getValue(path).valueType() == ConfigValueType.OBJECT) {
          Config o = c.getConfig(path);
          secrets.put(
              name,
              new Secret(
                  o.getString("reference"), new LinkedHashSet<>(o.getStringList("tenants"))));
        } else {
          secrets.put(name, new Secret(c.getString(path), Set.of(tenant)));
        }
      }
    }
    return new WorkflowSecrets(secrets, env);
  }

  /** The value of secret {@code name}, for task {@code task} of a run of tenant {@code tenant}. */
  JsonNode value(String name, String tenant, String task) {
    Secret secret = secrets.get(name);
    if (secret == null || !secret.tenants().contains(tenant)) {
      throw new WorkflowError(
          AUTHORIZATION,
          403,
          "Secret not configured",
          "secret '"
              + name
              + "' is not configured for tenant '"
              + tenant
              + "' on this node; configure "
              + key(name),
          task);
    }
    String value;
    try {
      value = SecretReference.resolve(key(name), secret.reference(), env);
    } catch (ConfigurationException e) {
      throw new WorkflowError(AUTHORIZATION, 403, "Secret not available", e.getMessage(), task);
    }
    if (value.startsWith("{")) {
      try {
        JsonNode tree = JSON.readTree(value);
        if (tree != null && tree.isObject()) {
          tree.properties()
              .forEach(p -> io.tramontane.core.KnownSecrets.register(p.getValue().asText()));
          return tree;
        }
      } catch (IOException e) {
        // not JSON: the secret is the text itself
      }
    }
    return JsonNodeFactory.instance.textNode(value);
  }

  /**
   * A policy's field: an expression naming {@code $secrets} is evaluated with the secrets it names
   * (and nothing else); any other value is itself.
   */
  JsonNode field(JsonNode value, String tenant, String task) {
    if (value == null || !value.isTextual() || !Expressions.isExpression(value)) {
      return value;
    }
    String text = value.asText();
    ObjectNode secrets = JsonNodeFactory.instance.objectNode();
    Matcher m = REFERENCE.matcher(text);
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      secrets.set(name, value(name, tenant, task));
    }
    try {
      return Expressions.evaluate(
          text, JsonNodeFactory.instance.nullNode(), Map.of("secrets", secrets));
    } catch (Expressions.ExpressionException e) {
      // the message would quote values: name the field's expression only
      throw new WorkflowError(
          WorkflowError.EXPRESSION,
          400,
          "Bad authentication expression",
          "evaluating a $secrets" + " expression of the authentication policy failed",
          task);
    }
  }

  private static String key(String name) {
    return KEY + "." + ConfigUtil.joinPath(name);
  }
}
