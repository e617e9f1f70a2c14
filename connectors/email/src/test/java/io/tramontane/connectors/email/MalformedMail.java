package io.tramontane.connectors.email;

import java.util.LinkedHashMap;
import java.util.Map;

/** RELIABILITY B5: malformed messages, by name. */
final class MalformedMail {

  private MalformedMail() {}

  static Map<String, String> all() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "no-boundary",
        """
        Message-ID: <b5-noboundary@example.com>
        From: x@example.com
        To: alice@example.com
        Subject: No boundary
        MIME-Version: 1.0
        Content-Type: multipart/mixed

        --whatever
        Content-Type: text/plain

        The boundary parameter is missing.
        --whatever--
        """);
    StringBuilder deep = new StringBuilder();
    deep.append(
        """
        Message-ID: <b5-deep@example.com>
        From: x@example.com
        To: alice@example.com
        Subject: Deep nesting
        MIME-Version: 1.0
        """);
    int levels = 60;
    for (int i = 0; i < levels; i++) {
      deep.append("Content-Type: multipart/mixed; boundary=\"l").append(i).append("\"\n\n");
      deep.append("--l").append(i).append("\n");
    }
    deep.append("Content-Type: text/plain\n\nDeep down there is text.\n");
    for (int i = levels - 1; i >= 0; i--) {
      deep.append("--l").append(i).append("--\n");
    }
    m.put("deep-nesting", deep.toString());
    m.put(
        "bogus-charset",
        """
        Message-ID: <b5-charset@example.com>
        From: x@example.com
        To: alice@example.com
        Subject: =?x-bogus-42?Q?Caf=E9?=
        MIME-Version: 1.0
        Content-Type: text/plain; charset="x-bogus-42"
        Content-Transfer-Encoding: quoted-printable

        Caf=E9 cr=E8me
        """);
    m.put(
        "corrupt-base64",
        """
        Message-ID: <b5-base64@example.com>
        From: x@example.com
        To: alice@example.com
        Subject: Corrupt base64
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="c"

        --c
        Content-Type: text/plain

        See attachment.
        --c
        Content-Type: application/octet-stream; name="data.bin"
        Content-Disposition: attachment; filename="data.bin"
        Content-Transfer-Encoding: base64

        SGVsbG8gV29ybGQ=!!!@@@###$$$%%%^^^&&&***(((%%%%===
        ****not base64 at all****
        --c--
        """);
    m.put(
        "huge-header",
        """
        Message-ID: <b5-header@example.com>
        From: x@example.com
        To: alice@example.com
        Subject: %s
        X-Junk: %s
        MIME-Version: 1.0
        Content-Type: text/plain

        A message with a huge header.
        """
            .formatted("S".repeat(100_000), "J".repeat(500_000)));
    return m;
  }
}
