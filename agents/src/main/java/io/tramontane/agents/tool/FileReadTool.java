package io.tramontane.agents.tool;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.core.audit.Audit;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code files.read}: reads a text file under the folder of the session's tenant ({@code
 * tramontane.agents.tools.files.roots.<tenant>}; a tenant without one has no {@code files.read}). A
 * folder with {@code readers} is read only for a user holding one of those principals.
 *
 * <p>Path traversal defence (RELIABILITY B8), in two layers. First the text: NUL bytes,
 * backslashes, absolute paths (including {@code C:} drive forms), {@code ..} segments and any of
 * these hidden by URL encoding, applied up to three times ({@code %2e%2e%2f}, {@code
 * %252e%252e%252f}), are refused. Then the file system: the path is resolved against the real root
 * with {@link Path#toRealPath}, which follows symbolic links, and must still lie under the real
 * root, so a link pointing out of the root is refused. Every refusal is audited.
 */
public final class FileReadTool extends DescribedTool {

  public static final String NAME = "files.read";

  private static final String DESCRIPTION =
      "Reads a text file from the configured document folder, by relative path. Long files"
          + " are truncated.";

  private static final int DECODE_ROUNDS = 3;
  private static final int MAX_PATH_CHARS = 1024;
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addStringProperty(
              "path", "The file to read, relative to the configured root, e.g. docs/notes.txt")
          .required("path")
          .build();

  private final FileToolSettings settings;

  public FileReadTool(FileToolSettings settings) {
    super(NAME, DESCRIPTION, PARAMETERS, false);
    this.settings = settings;
  }

  @Override
  public ToolResult execute(ToolCall call) throws ToolException {
    ToolAudit.checkArguments(this, call);
    Optional<FileToolSettings.Root> root = settings.root(call.tenant());
    if (root.isEmpty()) {
      throw ToolAudit.refused(
          call,
          NAME
              + " is disabled for this tenant: set "
              + FileToolSettings.KEY
              + ".roots."
              + call.tenant()
              + " to the folder it may read");
    }
    if (!root.get().readableBy(call.principals())) {
      throw ToolAudit.refused(
          call,
          "the user this agent acts for may not read this tenant's folder (it is open to "
              + FileToolSettings.KEY
              + ".roots."
              + call.tenant()
              + ".readers only)");
    }
    String raw = call.arguments().path("path").asText();
    Optional<String> bad = textualProblem(raw);
    if (bad.isPresent()) {
      throw ToolAudit.refused(call, "path refused: " + bad.get());
    }
    Path realRoot;
    try {
      realRoot = root.get().path().toRealPath();
    } catch (IOException e) {
      throw new ToolException(NAME + " is unavailable: its root folder cannot be opened", true);
    }
    Path real;
    try {
      Path candidate = realRoot.resolve(raw).normalize();
      if (!candidate.startsWith(realRoot)) {
        throw ToolAudit.refused(call, "path refused: it leaves the root folder");
      }
      real = candidate.toRealPath();
    } catch (InvalidPathException e) {
      throw ToolAudit.refused(call, "path refused: not a valid path");
    } catch (NoSuchFileException e) {
      throw new ToolException("no file '" + Audit.printable(raw) + "' in the folder");
    } catch (IOException e) {
      throw new ToolException("'" + Audit.printable(raw) + "' cannot be read", true);
    }
    if (!real.startsWith(realRoot)) {
      throw ToolAudit.refused(call, "path refused: it resolves outside the root folder (link)");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new ToolException("'" + Audit.printable(raw) + "' is not a file");
    }
    return read(raw, real);
  }

  private ToolResult read(String raw, Path real) throws ToolException {
    long max = settings.maxBytes();
    byte[] bytes;
    long size;
    try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
      size = Files.size(real);
      bytes = in.readNBytes((int) max);
    } catch (IOException e) {
      throw new ToolException("'" + Audit.printable(raw) + "' cannot be read", true);
    }
    for (byte b : bytes) {
      if (b == 0) {
        throw new ToolException("'" + Audit.printable(raw) + "' is not a text file");
      }
    }
    boolean truncated = size > bytes.length;
    String header =
        "path: "
            + raw
            + "\nsize: "
            + size
            + " bytes"
            + (truncated ? "\n(truncated: showing the first " + bytes.length + " bytes)" : "");
    return ToolResult.of(
        UntrustedText.wrap(NAME, header, new String(bytes, StandardCharsets.UTF_8)));
  }

  /** What is wrong with the path text, before it touches the file system. */
  static Optional<String> textualProblem(String raw) {
    if (raw.isBlank()) {
      return Optional.of("the path is empty");
    }
    if (raw.length() > MAX_PATH_CHARS) {
      return Optional.of("the path is longer than " + MAX_PATH_CHARS + " characters");
    }
    String text = raw;
    for (int round = 0; round <= DECODE_ROUNDS; round++) {
      String encoded = round == 0 ? "" : " (URL-encoded)";
      if (text.indexOf('\0') >= 0) {
        return Optional.of("it contains a NUL byte" + encoded);
      }
      if (text.indexOf('\\') >= 0) {
        return Optional.of("it contains a backslash" + encoded);
      }
      if (text.startsWith("/") || text.startsWith("~") || DRIVE.matcher(text).matches()) {
        return Optional.of("it is absolute; give a path relative to the folder" + encoded);
      }
      for (String segment : text.split("/", -1)) {
        if (segment.equals("..")) {
          return Optional.of("it contains '..'" + encoded);
        }
      }
      if (text.indexOf('%') < 0) {
        return Optional.empty();
      }
      String decoded;
      try {
        decoded = URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Optional.empty(); // not valid encoding: a literal '%' in a file name
      }
      if (decoded.equals(text)) {
        return Optional.empty();
      }
      text = decoded;
    }
    return Optional.of("it is URL-encoded more than " + DECODE_ROUNDS + " times");
  }
}
