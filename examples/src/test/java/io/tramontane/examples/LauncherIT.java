package io.tramontane.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's commands on a machine whose default {@code java} is too old: both find a JDK 21+ by
 * themselves, and where none exists they stop with one line saying so.
 */
class LauncherIT {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  record Result(int exit, String out) {}

  static Result run(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(ROOT.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("HOME", System.getProperty("user.home"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
    return new Result(p.exitValue(), out);
  }

  @Test
  void withoutAnyJdk21BothCommandsStopWithOneLine() throws Exception {
    Map<String, String> noJdk = Map.of("TRAMONTANE_JDK_DIRS", "/nonexistent/*");
    for (String cmd : List.of("./mvnw", "./tramontane")) {
      Result r = run(noJdk, cmd, "--version");
      assertEquals(1, r.exit(), cmd + ": " + r.out());
      assertEquals(1, r.out().strip().lines().count(), cmd + ": " + r.out());
      assertTrue(r.out().contains("no JDK 21 or newer found"), r.out());
    }
  }

  @Test
  void aJdk21InAnInstallFolderIsFoundWithoutJavaHome() throws Exception {
    // The JDK running this test (>= 21) stands for /usr/lib/jvm/<some jdk>.
    Path jdk = Path.of(System.getProperty("java.home"));
    Result r = run(Map.of("TRAMONTANE_JDK_DIRS", jdk.toString()), "./mvnw", "--version");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("Java version: " + Runtime.version().feature()), r.out());
  }
}
