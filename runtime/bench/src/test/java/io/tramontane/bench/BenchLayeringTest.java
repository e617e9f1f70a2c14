package io.tramontane.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.tramontane.server.cli.Main;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The bench module is a leaf: no production class depends on it (the CLI finds {@code bench}
 * through {@link io.tramontane.server.cli.PluginCommand}), and the server's own jar or classes
 * carry no benchmark code or data.
 */
class BenchLayeringTest {

  @Test
  void nothingOutsideTheBenchDependsOnIt() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.tramontane.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.tramontane.bench..")
        .because("runtime/bench is a leaf module: the server starts without it")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tramontane"));
  }

  @Test
  void theServerCarriesNoBenchmarkCodeOrData() throws Exception {
    URL where = Main.class.getProtectionDomain().getCodeSource().getLocation();
    assertNotNull(where);
    Path server = Path.of(where.toURI());
    List<String> entries;
    if (Files.isDirectory(server)) {
      try (Stream<Path> files = Files.walk(server)) {
        entries = files.map(p -> server.relativize(p).toString().replace('\\', '/')).toList();
      }
    } else {
      try (ZipFile jar = new ZipFile(server.toFile())) {
        entries = jar.stream().map(e -> e.getName()).toList();
      }
    }
    List<String> bench =
        entries.stream()
            .filter(e -> e.contains("/bench/") || e.contains("europarl") || e.endsWith("/bench"))
            .toList();
    assertEquals(List.of(), bench, "benchmark entries in " + server);
  }
}
