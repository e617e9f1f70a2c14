package io.tramontane.retrieval.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;

/**
 * Inflates a ZIP container (DOCX, XLSX, PPTX, ODT, ZIP, …) into nothing and stops once it expands
 * beyond {@link #RATIO} times its size and {@link #FLOOR} bytes. POI's {@code ZipSecureFile} ratio
 * check does not protect every path (XWPF loads a whole part into XMLBeans before it checks), and
 * Tika's {@code SecureContentHandler} only sees the text after the part is in memory; so we check
 * first, streaming, in constant memory.
 */
final class ZipBombCheck {

  static final String REASON =
      "the file looks like a zip bomb (it expands far beyond its size) and was not parsed";
  static final long RATIO = 100;
  static final long FLOOR = 100L << 20;

  private ZipBombCheck() {}

  static boolean inflatesTooFar(Path file) {
    try {
      long size = Files.size(file);
      if (!isZip(file)) {
        return false;
      }
      long limit = Math.max(FLOOR, RATIO * size);
      long inflated = 0;
      byte[] buffer = new byte[64 * 1024];
      try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
        while (zip.getNextEntry() != null) {
          int n;
          while ((n = zip.read(buffer)) > 0) {
            inflated += n;
            if (inflated > limit) {
              return true;
            }
          }
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false; // not readable as a stream of entries: the parser reports it
    }
  }

  private static boolean isZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }
  }
}
