package io.tramontane.retrieval.parse;

import java.util.Locale;
import java.util.Map;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;

/** Turns parser exceptions into one sentence a user understands; never a stack trace. */
final class Failures {

  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("application/pdf", "PDF"),
          Map.entry(
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "Word document (DOCX)"),
          Map.entry(
              "application/vnd.openxmlformats-officedocument.presentationml.presentation",
              "PowerPoint presentation (PPTX)"),
          Map.entry(
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              "Excel workbook (XLSX)"),
          Map.entry("application/msword", "Word document (DOC)"),
          Map.entry("application/vnd.ms-excel", "Excel workbook (XLS)"),
          Map.entry("application/vnd.ms-powerpoint", "PowerPoint presentation (PPT)"),
          Map.entry("application/vnd.oasis.opendocument.text", "OpenDocument text (ODT)"),
          Map.entry("application/vnd.ms-outlook", "Outlook message (MSG)"),
          Map.entry("message/rfc822", "e-mail message"),
          Map.entry("application/zip", "ZIP archive"),
          Map.entry("application/xml", "XML document"),
          Map.entry("text/html", "HTML document"));

  private Failures() {}

  static boolean isZipBomb(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null) {
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("zip bomb") || lower.contains("zipbomb")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static String reason(Throwable e, Metadata metadata) {
    if (isZipBomb(e)) {
      return ZipBombCheck.REASON;
    }
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof EncryptedDocumentException
          || t instanceof org.apache.poi.EncryptedDocumentException
          || t.getClass().getSimpleName().equals("InvalidPasswordException")) {
        return "the document is encrypted (password protected) and cannot be read";
      }
      if (t instanceof ZeroByteFileException) {
        return "the file is empty";
      }
      if (t instanceof UnsupportedFormatException) {
        return "unsupported format: " + oneLine(t.getMessage());
      }
    }
    String type = baseType(metadata.get(Metadata.CONTENT_TYPE));
    String what = type == null ? "document" : NAMES.getOrDefault(type, type + " document");
    return "the file is not a valid " + what + " (" + oneLine(rootMessage(e)) + ")";
  }

  static String baseType(String contentType) {
    if (contentType == null) {
      return null;
    }
    MediaType type = MediaType.parse(contentType);
    return type == null ? contentType : type.getBaseType().toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    String message = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      root = t;
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message != null ? message : root.getClass().getSimpleName();
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 197) + "..." : line;
  }
}
