package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tramontane.core.TramontaneConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation is part of the product: every link in the repository's Markdown resolves to a
 * file (and heading) inside the repository, the configuration table in docs/configuration.md names
 * keys that exist with the defaults they really have, and every key of every module's {@code
 * reference.conf} carries a comment saying what it does.
 */
class DocsTest {

  static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");

  static List<Path> markdown() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.toString().endsWith(".md"))
          .filter(
              p -> !ROOT.relativize(p).toString().matches("(.*/)?(target|node_modules|\\..*)/.*"))
          .filter(p -> !ROOT.relativize(p).startsWith("."))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyLinkInTheDocsResolvesInsideTheRepository() throws IOException {
    List<String> broken = new ArrayList<>();
    List<Path> docs = markdown();
    assertTrue(docs.size() > 10, "the repository's Markdown files were not found under " + ROOT);
    for (Path doc : docs) {
      String text = Files.readString(doc);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^(https?|mailto):.*")) {
          continue;
        }
        String where = ROOT.relativize(doc) + ": " + target;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
        if (!resolved.startsWith(ROOT)) {
          broken.add(where + " (outside the repository)");
        } else if (!Files.exists(resolved)) {
          broken.add(where + " (no such file)");
        } else if (anchor != null
            && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(anchor)) {
          broken.add(where + " (no such heading)");
        }
      }
      if (text.contains("../shared")) {
        broken.add(ROOT.relativize(doc) + " mentions ../shared, which is not in the repository");
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void everyMainPackageSaysWhatItIsInAPackageInfo() throws IOException {
    List<String> missing = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/main/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .map(Path::getParent)
          .distinct()
          .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
          .forEach(dir -> missing.add(ROOT.relativize(dir).toString()));
    }
    assertEquals(List.of(), missing.stream().sorted().toList());
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  static List<String> anchors(Path doc) throws IOException {
    List<String> anchors = new ArrayList<>();
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("#")) {
        String title = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
        anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  /** A row of docs/configuration.md: key column, env column, default column. */
  record Row(String keys, String env, String defaultValue) {}

  static List<Row> configurationRows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve("docs/configuration.md"))) {
      if (!line.startsWith("| `tramontane.")) {
        continue;
      }
      String[] cells = line.split("\\|");
      rows.add(new Row(cells[1].trim(), cells[2].trim(), cells[3].trim()));
    }
    return rows;
  }

  /** {@code `a.b.c` / `.d`} names a.b.c and a.b.d. */
  static List<String> keys(String cell) {
    List<String> keys = new ArrayList<>();
    String first = null;
    for (String part : cell.split("/")) {
      String key = part.trim().replace("`", "");
      if (key.startsWith(".") && first != null) {
        key = first.substring(0, first.lastIndexOf('.')) + key;
      }
      if (first == null) {
        first = key;
      }
      keys.add(key);
    }
    return keys;
  }

  @Test
  void theConfigurationTableNamesRealKeysWithTheirRealDefaults() throws IOException {
    Config config = TramontaneConfig.load(Optional.empty(), Map.of());
    List<Row> rows = configurationRows();
    assertTrue(rows.size() > 20, "docs/configuration.md has its table");
    List<String> wrong = new ArrayList<>();
    for (Row row : rows) {
      List<String> keys = keys(row.keys());
      List<String> defaults =
          row.defaultValue().contains("` / `")
              ? List.of(row.defaultValue().split(" / "))
              : List.of(row.defaultValue());
      for (int i = 0; i < keys.size(); i++) {
        String key = keys.get(i);
        String path = key.replaceAll("\\.(\\*|<[a-z-]+>.*)$", "");
        if (!config.hasPathOrNull(path)) {
          wrong.add(key + ": no such key in any reference.conf");
          continue;
        }
        if (key.endsWith(".*") || key.contains("<") || keys.size() != defaults.size()) {
          continue;
        }
        String documented = defaults.get(i).trim();
        if (!documented.matches("`[^`<]*`")) {
          continue;
        }
        String expected = documented.substring(1, documented.length() - 1);
        String actual = render(config.getValue(path));
        if (!expected.equals(actual)) {
          wrong.add(
              key + ": documented default `" + expected + "`, reference.conf has `" + actual + "`");
        }
      }
      for (String env : row.env().replace("`", "").split("/")) {
        String name = env.trim();
        if (name.isEmpty()) {
          continue;
        }
        String full =
            name.startsWith("_")
                ? row.env().replace("`", "").split("/")[0].trim().replaceAll("_[A-Z]+$", "") + name
                : name;
        if (!referenceText().contains("${?" + full + "}")) {
          wrong.add(
              row.keys() + ": environment variable " + full + " is read by no reference.conf");
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  static String render(ConfigValue value) {
    if (value.valueType() == ConfigValueType.STRING) {
      return (String) value.unwrapped();
    }
    return value.render().replace("\"", "");
  }

  static String referenceCache;

  static String referenceText() throws IOException {
    if (referenceCache == null) {
      StringBuilder all = new StringBuilder();
      for (Path conf : referenceFiles()) {
        all.append(Files.readString(conf)).append('\n');
      }
      referenceCache = all.toString();
    }
    return referenceCache;
  }

  static List<Path> referenceFiles() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      return files
          .filter(p -> p.getFileName().toString().equals("reference.conf"))
          .filter(p -> p.toString().contains("/src/main/resources/"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyKeyOfEveryReferenceConfSaysWhatItDoes() throws IOException {
    List<Path> files = referenceFiles();
    assertTrue(files.size() >= 8, "the modules' reference.conf files were not found: " + files);
    List<String> undocumented = new ArrayList<>();
    for (Path file : files) {
      Config conf = ConfigFactory.parseFile(file.toFile());
      if (conf.hasPath("tramontane")) {
        walk(
            conf.getObject("tramontane"), "tramontane", false, ROOT.relativize(file), undocumented);
      }
    }
    assertEquals(List.of(), undocumented);
  }

  /** A key is documented by a comment on it or on an enclosing object. */
  static void walk(
      ConfigObject object, String path, boolean covered, Path file, List<String> undocumented) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String key = path + "." + e.getKey();
      boolean documented = covered || !e.getValue().origin().comments().isEmpty();
      if (e.getValue() instanceof ConfigObject child && !child.isEmpty()) {
        walk(child, key, documented, file, undocumented);
      } else if (!documented) {
        undocumented.add(file + ": " + key);
      }
    }
  }
}
