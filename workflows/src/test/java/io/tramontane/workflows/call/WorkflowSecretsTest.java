package io.tramontane.workflows.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.workflows.run.WorkflowError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tramontane.workflows.secrets} as an operator writes it (reference.conf documents it). */
class WorkflowSecretsTest {

  static final Map<String, String> ENV =
      Map.of(
          "PETSTORE", "{\"username\": \"u\", \"password\": \"pa55word-1\"}", "BILLING", "b1lling");

  final WorkflowSecrets secrets =
      WorkflowSecrets.fromConfig(
          ConfigFactory.parseString(
                  """
                  tramontane.workflows.secrets {
                    petstore = "env:PETSTORE"
                    billing { reference = "env:BILLING", tenants = [acme, beta] }
                  }
                  """)
              .withFallback(ConfigFactory.load()),
          ENV::get);

  @Test
  void aStringIsTheWorkflowsTenantsAndAJsonObjectIsAnObject() {
    assertEquals(
        "pa55word-1", secrets.value("petstore", "default", "/do/0/a").get("password").asText());
    WorkflowError other =
        assertThrows(WorkflowError.class, () -> secrets.value("petstore", "acme", "/do/0/a"));
    assertEquals(403, other.status());
    assertFalse(other.getMessage().contains("pa55word-1"), other.getMessage());
  }

  @Test
  void theObjectFormNamesItsTenants() {
    assertEquals("b1lling", secrets.value("billing", "beta", "/do/0/a").asText());
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> secrets.value("billing", "default", "/do/0/a"));
    assertTrue(e.detail().contains("tramontane.workflows.secrets.billing"), e.detail());
  }

  @Test
  void noSecretsConfiguredByDefault() {
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () -> WorkflowSecrets.fromConfig(ConfigFactory.load()).value("x", "default", "/t"));
    assertEquals(WorkflowSecrets.AUTHORIZATION, e.type());
  }
}
