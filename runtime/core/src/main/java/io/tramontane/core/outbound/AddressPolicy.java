package io.tramontane.core.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which resolved addresses {@code http.request} may connect to (SSRF defence).
 *
 * <p>Always refused: the unspecified address, multicast, broadcast, 0.0.0.0/8, reserved 240/4 and
 * cloud metadata endpoints (169.254.169.254, fd00:ec2::254). Refused unless private networks are
 * allowed: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10), link-local
 * (169.254/16, fe80::/10), CGNAT 100.64/10, benchmarking 198.18/15 and IETF 192.0.0/24. IPv6
 * addresses that embed an IPv4 address (IPv4-compatible ::a.b.c.d, 6to4 2002::/16, NAT64
 * 64:ff9b::/96) are judged by the embedded address.
 */
public final class AddressPolicy {

  private AddressPolicy() {}

  /** Why {@code address} is refused, or empty when it may be used. */
  public static Optional<String> refusal(InetAddress address, boolean allowPrivate) {
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      Optional<byte[]> embedded = embeddedIpv4(b);
      if (embedded.isPresent()) {
        return ipv4(embedded.get(), allowPrivate);
      }
      return ipv6(address, b, allowPrivate);
    }
    if (address instanceof Inet4Address) {
      return ipv4(b, allowPrivate);
    }
    return Optional.of("an address of an unknown family");
  }

  private static Optional<String> ipv4(byte[] b, boolean allowPrivate) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    int a3 = b[3] & 0xff;
    if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
      return Optional.of("a cloud metadata address");
    }
    if (a0 == 0) {
      return Optional.of("an unspecified address (0.0.0.0/8)");
    }
    if (a0 >= 224) {
      return Optional.of("a multicast, reserved or broadcast address");
    }
    String kind = null;
    if (a0 == 127) {
      kind = "a loopback address";
    } else if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      kind = "a private-network address";
    } else if (a0 == 169 && a1 == 254) {
      kind = "a link-local address";
    } else if (a0 == 100 && (a1 & 0xc0) == 64) {
      kind = "a carrier-grade NAT address (100.64/10)";
    } else if (a0 == 198 && (a1 & 0xfe) == 18) {
      kind = "a benchmarking address (198.18/15)";
    } else if (a0 == 192 && a1 == 0 && a2 == 0) {
      kind = "an IETF protocol address (192.0.0/24)";
    }
    return kind == null || allowPrivate ? Optional.empty() : Optional.of(kind);
  }

  private static Optional<String> ipv6(InetAddress address, byte[] b, boolean allowPrivate) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("the unspecified address (::)");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("a multicast address");
    }
    if ((b[0] & 0xff) == 0xfd
        && (b[1] & 0xff) == 0x00
        && (b[2] & 0xff) == 0x0e
        && (b[3] & 0xff) == 0xc2
        && isZero(b, 4, 14)
        && b[14] == 0x02
        && (b[15] & 0xff) == 0x54) {
      return Optional.of("a cloud metadata address");
    }
    String kind = null;
    if (address.isLoopbackAddress()) {
      kind = "a loopback address";
    } else if ((b[0] & 0xfe) == 0xfc) {
      kind = "a unique-local (private) address (fc00::/7)";
    } else if (address.isLinkLocalAddress()) {
      kind = "a link-local address";
    } else if (address.isSiteLocalAddress()) {
      kind = "a site-local address";
    }
    return kind == null || allowPrivate ? Optional.empty() : Optional.of(kind);
  }

  /** The IPv4 address inside ::a.b.c.d, ::ffff:a.b.c.d, 2002:AABB:CCDD::/48 or 64:ff9b::/96. */
  private static Optional<byte[]> embeddedIpv4(byte[] b) {
    if (isZero(b, 0, 10) && ((b[10] == 0 && b[11] == 0) || (b[10] == -1 && b[11] == -1))) {
      if (isZero(b, 12, 15) && (b[15] == 0 || b[15] == 1)) {
        return Optional.empty(); // :: and ::1 are IPv6's own unspecified and loopback
      }
      return Optional.of(new byte[] {b[12], b[13], b[14], b[15]});
    }
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
      return Optional.of(new byte[] {b[2], b[3], b[4], b[5]});
    }
    if (b[0] == 0
        && (b[1] & 0xff) == 0x64
        && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b
        && isZero(b, 4, 12)) {
      return Optional.of(new byte[] {b[12], b[13], b[14], b[15]});
    }
    return Optional.empty();
  }

  /** True when bytes [from, to) are all zero. */
  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
