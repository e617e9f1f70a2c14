package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MimeReaderTest {

  private static MailMessage read(String raw) {
    return MimeReader.read(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private static MailMessage b5(String name) {
    return read(MalformedMail.all().get(name));
  }

  @Test
  void missingBoundaryIsReadAsText() {
    MailMessage m = b5("no-boundary");
    assertTrue(m.body().contains("The boundary parameter is missing."), m.body());
  }

  @Test
  void deepNestingStopsAtTheLimitWithAProblem() {
    MailMessage m = b5("deep-nesting");
    assertTrue(
        m.problems().stream().anyMatch(p -> p.contains("nested deeper than")),
        String.valueOf(m.problems()));
  }

  @Test
  void bogusCharsetFallsBackWithAProblem() {
    MailMessage m = b5("bogus-charset");
    assertTrue(m.body().startsWith("Caf"), m.body());
    assertTrue(
        m.problems().stream().anyMatch(p -> p.contains("unknown charset 'x-bogus-42'")),
        String.valueOf(m.problems()));
  }

  @Test
  void corruptBase64IsReadLeniently() {
    MailMessage m = b5("corrupt-base64");
    assertEquals("See attachment.", m.body().strip());
    assertEquals(1, m.attachments().size());
    assertEquals("data.bin", m.attachments().get(0).name());
  }

  @Test
  void hugeHeadersAreCapped() {
    MailMessage m = b5("huge-header");
    assertEquals(MimeReader.MAX_HEADER_CHARS + 1, m.subject().length());
    assertEquals("A message with a huge header.", m.body().strip());
  }

  @Test
  void htmlOnlyMailBecomesText() {
    MailMessage m =
        read(
            """
            Message-ID: <h@example.com>
            Subject: HTML
            Content-Type: text/html; charset=UTF-8

            <html><head><style>p{color:red}</style></head><body><p>Dear &amp; valued</p>\
            <p>customer&nbsp;&#8364;5<br>bye</p><script>alert(1)</script></body></html>
            """);
    assertEquals("Dear & valued\ncustomer €5\nbye", m.body());
  }

  @Test
  void withoutMessageIdTheKeyIsAStableHashIgnoringTraceHeaders() {
    String raw =
        """
        From: a@example.com
        To: b@example.com
        Subject: no id
        Date: Tue, 1 Dec 2026 10:00:00 +0000

        body
        """;
    MailMessage a = read(raw);
    MailMessage b = read("Received: from relay by mx; Tue, 1 Dec 2026\n" + raw);
    assertTrue(a.dedupKey().startsWith("sha256:"));
    assertEquals(a.dedupKey(), b.dedupKey());
    assertNotEquals(a.dedupKey(), read(raw.replace("body", "other")).dedupKey());
  }
}
