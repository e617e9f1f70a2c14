package io.tramontane.agents.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The catalog answers per tenant, keeps every version, and never lets an older read win. */
class AgentCatalogTest {

  static final AgentDefinitions LOADER = new AgentDefinitions(t -> true, m -> true, t -> false);

  static AgentDefinition agent(String name, String description) {
    return LOADER.parse(
        "test",
        ("name: " + name + "\ndescription: " + description + "\ninstructions: Be brief.\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSameNameInTwoTenantsIsTwoDefinitions() {
    AgentCatalog catalog = new AgentCatalog();
    AgentDefinition acme = agent("helper", "acme's");
    AgentDefinition globex = agent("helper", "globex's");
    catalog.put("acme", acme);
    catalog.put("globex", globex);
    assertEquals(acme, catalog.current("acme", "helper").orElseThrow());
    assertEquals(globex, catalog.current("globex", "helper").orElseThrow());
    assertEquals(List.of(acme), catalog.all("acme"));
    assertEquals(Optional.empty(), catalog.exact("acme", "helper", globex.version()));
    assertEquals(Optional.empty(), catalog.current("initech", "helper"));
    assertFalse(catalog.known("initech", "helper"));
  }

  @Test
  void anOlderReadNeverOverwritesANewerOneAndPinnedVersionsStay() {
    AgentCatalog catalog = new AgentCatalog();
    AgentDefinition v1 = agent("helper", "one");
    AgentDefinition v2 = agent("helper", "two");
    catalog.apply("acme", "helper", new AgentCatalog.Stored(v2, List.of(v1, v2), 2));
    catalog.apply("acme", "helper", new AgentCatalog.Stored(v1, List.of(v1), 1));
    assertEquals(v2, catalog.current("acme", "helper").orElseThrow());
    catalog.apply("acme", "helper", new AgentCatalog.Stored(null, List.of(v1, v2), 3));
    assertEquals(Optional.empty(), catalog.current("acme", "helper"));
    assertEquals(List.of(), catalog.all("acme"));
    assertTrue(catalog.known("acme", "helper"), "deleted, but sessions pinned to it continue");
    assertEquals(v1, catalog.version("acme", "helper", v1.version()).orElseThrow());
    assertEquals(Optional.empty(), catalog.version("acme", "helper", null));
  }

  @Test
  void whatThisNodeHasNotSeenIsReadFromTheStoreAndAFailedReadRunsNothing() {
    AgentDefinition v1 = agent("helper", "one");
    AgentDefinition v2 = agent("helper", "two");
    AtomicInteger reads = new AtomicInteger();
    AgentCatalog stored =
        new AgentCatalog(
            (tenant, name) -> {
              reads.incrementAndGet();
              return tenant.equals("acme") && name.equals("helper")
                  ? new AgentCatalog.Stored(v2, List.of(v1, v2), 2)
                  : null;
            });
    assertEquals(v1, stored.version("acme", "helper", v1.version()).orElseThrow());
    assertEquals(v2, stored.current("acme", "helper").orElseThrow());
    assertEquals(Optional.empty(), stored.current("globex", "helper"));
    assertEquals(2, reads.get(), "the second acme lookup is served from memory");

    AgentCatalog down =
        new AgentCatalog(
            (tenant, name) -> {
              throw new IllegalStateException("journal down");
            });
    down.put("acme", v2);
    assertEquals(
        Optional.empty(),
        down.version("acme", "helper", v1.version()),
        "a pinned version that cannot be read is not replaced by the deployed one");
  }
}
