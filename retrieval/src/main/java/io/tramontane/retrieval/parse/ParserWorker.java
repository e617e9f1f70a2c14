package io.tramontane.retrieval.parse;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * The main class of a forked parser JVM (started by {@link DocumentParser}; not for people). Reads
 * requests from stdin, parses with {@link TikaExtractor}, answers on stdout (see {@link Wire}), and
 * exits at the end of stdin. Arguments: max-input-bytes, write-limit-chars, max-embedded-depth,
 * max-embedded-resources.
 */
public final class ParserWorker {

  private ParserWorker() {}

  public static void main(String[] args) throws IOException {
    // First thing: stdout carries the protocol, so whatever a library prints goes to stderr.
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    System.setOut(System.err);
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));

    ParserSettings settings =
        new ParserSettings(
            Long.parseLong(args[0]),
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            Duration.ofDays(1),
            1,
            "1g");
    TikaExtractor extractor = new TikaExtractor(settings);
    Wire.writeJson(out, new Wire.Ready(true));
    out.flush();

    while (true) {
      byte[] header = Wire.read(in, 1 << 20);
      if (header == null) {
        return;
      }
      Wire.Request request = Wire.JSON.readValue(header, Wire.Request.class);
      byte[] content = Wire.read(in, settings.maxInputBytes());
      if (content == null) {
        return;
      }
      ParseResult result;
      try {
        result =
            extractor.extract(
                new ByteArrayInputStream(content), request.fileName(), request.contentTypeHint());
      } catch (RuntimeException | StackOverflowError e) {
        result =
            new ParseResult.Failed(
                "the parser failed (" + Failures.oneLine(String.valueOf(e)) + ")");
      }
      content = null;
      Wire.writeJson(out, Wire.Result.of(result));
      out.flush();
    }
  }
}
