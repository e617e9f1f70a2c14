package io.tramontane.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.tramontane.retrieval.index.IndexContentRetriever;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module table of ARCHITECTURE.md, checked: dependencies point down the table, never up;
 * domains meet through their ports (workflows' call handlers, the connectors' ingestion port, the
 * agents' content-retriever port, core's one outbound-HTTP component); no util/common/helpers
 * packages; no Java serialization. Add a layer here when a module appears.
 */
class ArchitectureTest {

  static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tramontane");
  }

  @Test
  void layersPointDownTheModuleTable() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("core")
        .definedBy("io.tramontane.core..")
        .layer("intake")
        .definedBy("io.tramontane.intake..")
        .layer("inference")
        .definedBy("io.tramontane.inference..")
        .layer("retrieval")
        .definedBy("io.tramontane.retrieval..")
        .layer("agents")
        .definedBy("io.tramontane.agents..")
        .layer("connectors")
        .definedBy("io.tramontane.connectors..")
        .layer("workflows")
        .definedBy("io.tramontane.workflows..")
        .layer("server")
        .definedBy("io.tramontane.server..")
        .whereLayer("server")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("intake")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("connectors")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("agents")
        .mayOnlyBeAccessedByLayers("connectors", "server")
        .whereLayer("workflows")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("retrieval")
        .mayOnlyBeAccessedByLayers("agents", "connectors", "server")
        .whereLayer("inference")
        .mayOnlyBeAccessedByLayers("retrieval", "agents", "connectors", "workflows", "server")
        .whereLayer("core")
        .mayOnlyBeAccessedByLayers(
            "intake", "inference", "retrieval", "agents", "connectors", "workflows", "server")
        .check(classes);
  }

  @Test
  void coreDependsOnlyOnPekkoTheJdkAndItsDrivers() {
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.pekko.http..", "picocli..", "io.tramontane.server..")
        .check(classes);
  }

  @Test
  void inferenceStaysOffTheActorSystemAndTheHttpEdge() {
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.inference..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.pekko..", "io.tramontane.intake..", "io.tramontane.server..")
        .check(classes);
  }

  @Test
  void retrievalKeepsTheActorSystemInItsIngestionLayer() {
    // Parsing, chunking and the Lucene index are plain libraries (benchmarks and the read-only
    // CLI search use them without a node); only ingest.* and the Retrieval facade use Pekko.
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.tramontane.retrieval.index..",
            "io.tramontane.retrieval.chunk..",
            "io.tramontane.retrieval.parse..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.pekko..", "io.tramontane.retrieval.ingest..")
        .check(classes);
  }

  @Test
  void noUtilityDumpingGrounds() {
    noClasses()
        .should()
        .resideInAnyPackage("..util..", "..utils..", "..common..", "..helpers..")
        .check(classes);
  }

  @Test
  void noJavaSerialization() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.ObjectInputStream")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.ObjectOutputStream")
        .check(classes);
  }

  @Test
  void connectorsAndWorkflowsDoNotKnowEachOther() {
    // Connectors publish platform events (core); workflows subscribe to them. Neither side
    // depends on the other, nor on the intake or the edge.
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.connectors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.tramontane.workflows..", "io.tramontane.intake..", "io.tramontane.server..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.workflows..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tramontane.connectors..")
        .check(classes);
  }

  @Test
  void theEdgeIsTheOnlyPlaceThatSpeaksHttp() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.tramontane.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.pekko.http..")
        .check(classes);
  }

  @Test
  void workflowsKnowNeitherAgentsNorRetrieval() {
    // `call: agent` and `call: retrieve` are CallHandlers the server wires.
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.workflows..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.tramontane.agents..", "io.tramontane.retrieval..")
        .check(classes);
  }

  @Test
  void connectorsReachRetrievalOnlyThroughTheIngestionPort() {
    // DocumentIngestion (connectors) is the port; the documents' value types cross it.
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.connectors..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.tramontane.retrieval..")
                .and(
                    not(
                        belongToAnyOf(
                            SourceDocument.class, IngestResult.class, SourceCheckpoint.class))))
        .check(classes);
  }

  @Test
  void agentsReachRetrievalOnlyThroughTheContentRetrieverPort() {
    noClasses()
        .that()
        .resideInAPackage("io.tramontane.agents..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.tramontane.retrieval..")
                .and(not(belongToAnyOf(IndexContentRetriever.class))))
        .check(classes);
  }

  @Test
  void onlyCoresOutboundComponentOpensHttpConnections() {
    // The agent tool, workflow calls and connectors send through io.tramontane.core.outbound;
    // the server's own edge (and its CLI client) is the only other place with an HTTP client.
    noClasses()
        .that()
        .resideOutsideOfPackages("io.tramontane.core.outbound..", "io.tramontane.server..")
        .should()
        .callMethod(java.net.http.HttpClient.class, "newBuilder")
        .orShould()
        .callMethod(java.net.http.HttpClient.class, "newHttpClient")
        .orShould()
        .callConstructor(java.net.Socket.class)
        .orShould()
        .callMethod(java.net.URL.class, "openConnection")
        .check(classes);
  }
}
