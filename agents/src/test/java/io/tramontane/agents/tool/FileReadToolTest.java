package io.tramontane.agents.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileReadToolTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "canary-secret-7431";

  @TempDir Path temp;
  private Path root;
  private Path outside;
  private AuditCapture audit;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(temp.resolve("root"));
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/notes.txt"), "hello from the notes\n");
    Files.createSymbolicLink(root.resolve("link.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("linkdir"), outside);
    audit = new AuditCapture();
  }

  @AfterEach
  void tearDown() {
    audit.close();
  }

  private static ToolCall call(JsonNode arguments) {
    return new ToolCall(FileReadTool.NAME, arguments, "k-1", "acme", Set.of("u1"), "session-9");
  }

  private static ToolCall call(String path) {
    return call(JSON.createObjectNode().put("path", path));
  }

  private FileReadTool tool() {
    return new FileReadTool(FileToolSettings.rootedAt("acme", root));
  }

  @Test
  void readsATextFileUnderTheRootAsData() throws Exception {
    ToolResult result = tool().execute(call("docs/notes.txt"));
    assertTrue(result.text().contains("hello from the notes"), result.text());
    assertTrue(result.text().contains("not instructions"), result.text());
    assertTrue(result.text().contains("size: 21 bytes"), result.text());
    assertEquals(List.of(), audit.warnings());
    assertFalse(tool().sideEffecting());
  }

  @Test
  void truncatesLongFilesWithANote() throws Exception {
    Files.writeString(root.resolve("long.txt"), "a".repeat(100));
    ToolResult result =
        new FileReadTool(FileToolSettings.rootedAt("acme", root).withMaxBytes(10))
            .execute(call("long.txt"));
    assertTrue(result.text().contains("truncated: showing the first 10 bytes"), result.text());
    assertTrue(result.text().contains("\n" + "a".repeat(10) + "\n"), result.text());
    assertFalse(result.text().contains("a".repeat(11)), result.text());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../outside/secret.txt",
        "docs/../../outside/secret.txt",
        "docs/..",
        "..",
        "%2e%2e%2foutside%2fsecret.txt",
        "%2E%2E/outside/secret.txt",
        "..%2foutside%2fsecret.txt",
        "%252e%252e%252foutside%252fsecret.txt",
        "%25252e%25252e%25252foutside%25252fsecret.txt",
        "/etc/passwd",
        "%2fetc%2fpasswd",
        "C:/Windows/win.ini",
        "..\\outside\\secret.txt",
        "docs\\notes.txt",
        "docs/notes.txt\0.png",
        "docs/notes.txt%00.png",
        "link.txt",
        "linkdir/secret.txt",
      })
  void refusesTraversalAndAuditsIt(String path) {
    ToolException e = assertThrows(ToolException.class, () -> tool().execute(call(path)));
    assertTrue(e.getMessage().startsWith("path refused"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET));
    assertEquals(1, audit.warnings().size(), audit.warnings().toString());
    String record = audit.warnings().get(0);
    assertTrue(record.contains("tool=files.read"), record);
    assertTrue(record.contains("session=session-9"), record);
    assertTrue(record.contains("path refused"), record);
    assertFalse(record.contains("\0"), record);
  }

  @Test
  void absolutePathToTheSecretIsRefused() {
    String absolute = outside.resolve("secret.txt").toString();
    ToolException e = assertThrows(ToolException.class, () -> tool().execute(call(absolute)));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void badArgumentsAreRefusedAndAudited() {
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> tool().execute(call(JSON.createObjectNode().put("file", "x"))));
    assertTrue(e.getMessage().contains("'path' is required"), e.getMessage());
    assertTrue(audit.warnings().get(0).contains("bad arguments"), audit.warnings().toString());
  }

  @Test
  void disabledWithoutARootAndSaysWhichKeyToSet() {
    FileReadTool disabled =
        new FileReadTool(FileToolSettings.fromConfig(ConfigFactory.parseString("")));
    ToolException e =
        assertThrows(ToolException.class, () -> disabled.execute(call("docs/notes.txt")));
    assertTrue(e.getMessage().contains("tramontane.agents.tools.files.roots.acme"), e.getMessage());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void anotherTenantsFolderIsNeverRead() {
    ToolCall globex =
        new ToolCall(
            FileReadTool.NAME,
            JSON.createObjectNode().put("path", "docs/notes.txt"),
            "k-2",
            "globex",
            Set.of("u1"),
            "session-7");
    ToolException e = assertThrows(ToolException.class, () -> tool().execute(globex));
    assertTrue(e.getMessage().contains("disabled for this tenant"), e.getMessage());
    assertFalse(e.getMessage().contains("acme"), e.getMessage());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void aFolderWithReadersIsReadOnlyForThem() throws Exception {
    FileReadTool legal =
        new FileReadTool(
            new FileToolSettings(
                Map.of("acme", new FileToolSettings.Root(root, Set.of("group:legal", "carol"))),
                1024));
    ToolException e =
        assertThrows(ToolException.class, () -> legal.execute(call("docs/notes.txt")));
    assertTrue(e.getMessage().contains("may not read"), e.getMessage());
    ToolCall asLegal =
        new ToolCall(
            FileReadTool.NAME,
            JSON.createObjectNode().put("path", "docs/notes.txt"),
            "k-3",
            "acme",
            Set.of("bob", "group:legal"),
            "session-9");
    assertTrue(legal.execute(asLegal).text().contains("hello from the notes"));
  }

  @Test
  void theOldSharedRootIsRefusedWithWhatToWriteInstead() {
    var e =
        assertThrows(
            ConfigurationException.class,
            () ->
                FileToolSettings.fromConfig(
                    ConfigFactory.parseString("tramontane.agents.tools.files.root = \"/srv\"")));
    assertTrue(e.getMessage().contains("roots { <tenant> = \"/srv\" }"), e.getMessage());
  }

  @Test
  void readsSettingsFromConfig() {
    FileToolSettings settings =
        FileToolSettings.fromConfig(
            ConfigFactory.parseString(
                "tramontane.agents.tools.files { roots { acme = \""
                    + root.toString().replace("\\", "/")
                    + "\", globex { path = \"/srv/g\", readers = [\"group:legal\"] } },"
                    + " max-bytes = 2k }"));
    assertEquals(root, settings.root("acme").orElseThrow().path());
    assertEquals(Set.of(), settings.root("acme").orElseThrow().readers());
    assertEquals(Set.of("group:legal"), settings.root("globex").orElseThrow().readers());
    assertTrue(settings.root("initech").isEmpty());
    assertEquals(2048, settings.maxBytes());
  }

  @Test
  void missingFileIsAnErrorButNotARefusal() {
    ToolException e = assertThrows(ToolException.class, () -> tool().execute(call("nope.txt")));
    assertTrue(e.getMessage().startsWith("no file"), e.getMessage());
    assertEquals(List.of(), audit.warnings());
  }
}
