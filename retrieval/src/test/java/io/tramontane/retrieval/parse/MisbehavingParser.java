package io.tramontane.retrieval.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.xml.sax.ContentHandler;

/**
 * A test-only Tika parser (registered in META-INF/services) for two made-up types: one hangs and
 * ignores interrupts, one allocates until the heap is gone. Only forked workers should meet it.
 * {@link Detect} (also a registered service) recognises them by their first bytes.
 */
public final class MisbehavingParser implements Parser {

  static final MediaType HANG = MediaType.application("x-tramontane-test-hang");
  static final MediaType OOM = MediaType.application("x-tramontane-test-oom");

  /** Detects the made-up types from a "TRAMONTANE-TEST-HANG" / "-OOM" prefix. */
  public static final class Detect implements Detector {
    @Override
    public MediaType detect(InputStream input, Metadata metadata) throws IOException {
      if (input == null) {
        return MediaType.OCTET_STREAM;
      }
      input.mark(32);
      try {
        String head = new String(input.readNBytes(20), StandardCharsets.US_ASCII);
        if (head.startsWith("TRAMONTANE-TEST-HANG")) {
          return HANG;
        }
        if (head.startsWith("TRAMONTANE-TEST-OOM")) {
          return OOM;
        }
        return MediaType.OCTET_STREAM;
      } finally {
        input.reset();
      }
    }
  }

  @Override
  public Set<MediaType> getSupportedTypes(ParseContext context) {
    return Set.of(HANG, OOM);
  }

  @Override
  public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext c) {
    MediaType type = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE)).getBaseType();
    if (type.equals(OOM)) {
      List<long[]> hog = new ArrayList<>();
      while (true) {
        hog.add(new long[1 << 20]);
      }
    }
    long spins = 0;
    while (spins >= 0) {
      spins++;
      if (Thread.interrupted()) {
        spins++; // ignores interrupts on purpose
      }
    }
  }
}
