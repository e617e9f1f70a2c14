package io.tramontane.connectors.email;

import io.tramontane.core.Sha256;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a raw RFC 5322 message as far as it can (RELIABILITY B5): a missing boundary, a bogus
 * charset, corrupt base64, deep nesting or a huge header each become a {@link
 * MailMessage#problems() problem}, never an exception. Header values are capped at {@value
 * #MAX_HEADER_CHARS} characters, nesting at {@value #MAX_DEPTH} levels, the body at {@value
 * #MAX_BODY_CHARS} characters.
 */
final class MimeReader {

  static final int MAX_DEPTH = 16;
  static final int MAX_HEADER_CHARS = 2000;
  static final int MAX_BODY_CHARS = 200_000;
  private static final int MAX_ATTACHMENTS = 200;
  private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)");

  private static final Session SESSION;

  static {
    Properties p = new Properties();
    p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "true");
    p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
    p.setProperty("mail.mime.multipart.allowempty", "true");
    p.setProperty("mail.mime.decodetext.strict", "false");
    p.setProperty("mail.mime.parameters.strict", "false");
    SESSION = Session.getInstance(p);
  }

  private MimeReader() {}

  /** Reads {@code raw}; never throws for malformed content. */
  static MailMessage read(byte[] raw) {
    List<String> problems = new ArrayList<>();
    MimeMessage m;
    try {
      m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
    } catch (MessagingException e) {
      problems.add("the headers could not be read (" + e.getMessage() + ")");
      return new MailMessage(
          null,
          hashKey(raw),
          null,
          null,
          "",
          List.of(),
          List.of(),
          "",
          null,
          "",
          List.of(),
          problems);
    }
    String messageId = cap(header(m, "Message-ID", problems));
    if (messageId != null && messageId.isBlank()) {
      messageId = null;
    }
    String subject = "";
    try {
      subject = m.getSubject() == null ? "" : m.getSubject();
    } catch (MessagingException e) {
      subject = header(m, "Subject", problems);
      subject = subject == null ? "" : subject;
      problems.add("the subject could not be decoded");
    }
    Instant sent = null;
    try {
      Date d = m.getSentDate();
      sent = d == null ? null : d.toInstant();
    } catch (MessagingException e) {
      problems.add("the Date header could not be read");
    }
    Collector c = new Collector(problems);
    c.walk(m, 0);
    String body = c.plain.length() > 0 ? c.plain.toString() : HtmlText.toText(c.html.toString());
    if (body.length() > MAX_BODY_CHARS) {
      body = body.substring(0, MAX_BODY_CHARS);
      problems.add("the body was cut at " + MAX_BODY_CHARS + " characters");
    }
    return new MailMessage(
        messageId,
        messageId != null ? messageId : headerHash(m, raw),
        cap(header(m, "In-Reply-To", problems)),
        cap(header(m, "References", problems)),
        cap(from(m, problems)),
        recipients(m, Message.RecipientType.TO, problems),
        recipients(m, Message.RecipientType.CC, problems),
        cap(subject),
        sent,
        body,
        c.attachments,
        problems);
  }

  private static String from(MimeMessage m, List<String> problems) {
    try {
      Address[] from = m.getFrom();
      if (from == null) {
        return "";
      }
      List<String> out = new ArrayList<>();
      for (Address a : from) {
        out.add(a.toString());
      }
      return String.join(", ", out);
    } catch (MessagingException e) {
      String raw = header(m, "From", problems);
      return raw == null ? "" : raw;
    }
  }

  private static List<String> recipients(
      MimeMessage m, Message.RecipientType type, List<String> problems) {
    try {
      Address[] as = m.getRecipients(type);
      List<String> out = new ArrayList<>();
      if (as != null) {
        for (Address a : as) {
          out.add(cap(a.toString()));
          if (out.size() == 100) {
            problems.add("only the first 100 " + type + " recipients are kept");
            break;
          }
        }
      }
      return out;
    } catch (MessagingException e) {
      String raw = header(m, type.toString(), problems);
      problems.add("the " + type + " header is not a valid address list");
      return raw == null ? List.of() : List.of(cap(raw));
    }
  }

  private static String header(MimeMessage m, String name, List<String> problems) {
    try {
      String v = m.getHeader(name, ",");
      if (v == null) {
        return null;
      }
      v = v.strip();
      try {
        return MimeUtility.decodeText(MimeUtility.unfold(v));
      } catch (IOException e) {
        return v;
      }
    } catch (MessagingException e) {
      problems.add("the " + name + " header could not be read");
      return null;
    }
  }

  static String cap(String v) {
    if (v == null || v.length() <= MAX_HEADER_CHARS) {
      return v;
    }
    return v.substring(0, MAX_HEADER_CHARS) + "…";
  }

  /** Without a Message-ID: a hash of From, To, Cc, Date, Subject and the body bytes. */
  private static String headerHash(MimeMessage m, byte[] raw) {
    MessageDigest md = Sha256.newDigest();
    for (String h : List.of("From", "To", "Cc", "Date", "Subject")) {
      String[] v;
      try {
        v = m.getHeader(h);
      } catch (MessagingException e) {
        v = null;
      }
      md.update(
          (h + ":" + (v == null ? "" : String.join(",", v)) + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    md.update(body(raw));
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  private static String hashKey(byte[] raw) {
    return "sha256:" + Sha256.hex(raw);
  }

  /** The bytes after the header block (servers add trace headers; the body stays the same). */
  private static byte[] body(byte[] raw) {
    for (int i = 0; i + 1 < raw.length; i++) {
      if (raw[i] == '\n'
          && (raw[i + 1] == '\n'
              || (raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n'))) {
        int start = raw[i + 1] == '\n' ? i + 2 : i + 3;
        byte[] b = new byte[raw.length - start];
        System.arraycopy(raw, start, b, 0, b.length);
        return b;
      }
    }
    return raw;
  }

  /** Walks the MIME tree, collecting text bodies and attachments. */
  private static final class Collector {
    final List<String> problems;
    final StringBuilder plain = new StringBuilder();
    final StringBuilder html = new StringBuilder();
    final List<MailMessage.Attachment> attachments = new ArrayList<>();
    boolean depthReported;

    Collector(List<String> problems) {
      this.problems = problems;
    }

    void walk(Part part, int depth) {
      if (depth > MAX_DEPTH) {
        if (!depthReported) {
          problems.add("parts nested deeper than " + MAX_DEPTH + " levels were skipped");
          depthReported = true;
        }
        return;
      }
      String type = contentType(part);
      String fileName = fileName(part);
      boolean attachment = fileName != null || isAttachment(part);
      if (type.startsWith("multipart/") && !attachment) {
        try {
          Object content = part.getContent();
          if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
              BodyPart bp = mp.getBodyPart(i);
              walk(bp, depth + 1);
            }
            return;
          }
        } catch (MessagingException | IOException | RuntimeException e) {
          problems.add(
              "a " + type + " part could not be split (" + e.getMessage() + "); read as text");
        }
        text(part, "text/plain");
        return;
      }
      if (type.equals("message/rfc822") && !attachment) {
        try {
          if (part.getContent() instanceof Part inner) {
            walk(inner, depth + 1);
            return;
          }
        } catch (MessagingException | IOException | RuntimeException e) {
          problems.add("an attached message could not be read (" + e.getMessage() + ")");
        }
      }
      if (!attachment && (type.equals("text/plain") || type.equals("text/html"))) {
        text(part, type);
        return;
      }
      if (!attachment && type.startsWith("text/")) {
        text(part, "text/plain");
        return;
      }
      if (attachments.size() < MAX_ATTACHMENTS) {
        attachments.add(
            new MailMessage.Attachment(
                fileName == null ? "attachment-" + (attachments.size() + 1) : cap(fileName),
                type,
                size(part)));
      } else if (attachments.size() == MAX_ATTACHMENTS) {
        problems.add("more than " + MAX_ATTACHMENTS + " attachments; the rest are not listed");
      }
    }

    private void text(Part part, String as) {
      String text = decode(part);
      StringBuilder into = as.equals("text/html") ? html : plain;
      if (into.length() < MAX_BODY_CHARS + 1) {
        if (!into.isEmpty()) {
          into.append("\n\n");
        }
        into.append(text, 0, Math.min(text.length(), MAX_BODY_CHARS + 1 - into.length()));
      }
    }

    /** The part's text in its declared charset; a bogus charset falls back to UTF-8/Latin-1. */
    private String decode(Part part) {
      byte[] bytes;
      try (InputStream in = part.getInputStream()) {
        bytes = in.readNBytes(MAX_BODY_CHARS * 4);
      } catch (MessagingException | IOException | RuntimeException e) {
        problems.add("a text part could not be decoded (" + e.getMessage() + ")");
        return "";
      }
      String declared = null;
      try {
        Matcher mt = CHARSET.matcher(String.valueOf(part.getContentType()));
        declared = mt.find() ? mt.group(1) : null;
      } catch (MessagingException e) {
        // no content type: US-ASCII per RFC 2045, read as UTF-8 below
      }
      Charset cs = null;
      if (declared != null) {
        try {
          cs = Charset.forName(MimeUtility.javaCharset(declared));
        } catch (RuntimeException e) {
          problems.add("unknown charset '" + cap(declared) + "'; the text was read as UTF-8");
        }
      }
      if (cs == null) {
        cs = StandardCharsets.UTF_8;
      }
      return new String(bytes, cs);
    }

    private long size(Part part) {
      try (InputStream in = part.getInputStream()) {
        return in.transferTo(OutputStream.nullOutputStream());
      } catch (MessagingException | IOException | RuntimeException e) {
        problems.add("an attachment could not be decoded (" + e.getMessage() + ")");
        return -1;
      }
    }

    private String contentType(Part part) {
      try {
        String ct = part.getContentType();
        if (ct == null) {
          return "text/plain";
        }
        return new ContentType(ct).getBaseType().toLowerCase(Locale.ROOT);
      } catch (MessagingException | RuntimeException e) {
        problems.add("a part has a malformed Content-Type; read as application/octet-stream");
        return "application/octet-stream";
      }
    }

    private static String fileName(Part part) {
      try {
        String name = part.getFileName();
        return name == null || name.isBlank() ? null : name;
      } catch (MessagingException | RuntimeException e) {
        return null;
      }
    }

    private static boolean isAttachment(Part part) {
      try {
        return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
      } catch (MessagingException | RuntimeException e) {
        return false;
      }
    }
  }
}
