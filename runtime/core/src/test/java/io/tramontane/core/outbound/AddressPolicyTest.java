package io.tramontane.core.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyTest {

  @ParameterizedTest
  @CsvSource({
    // address, refused when private networks are off, refused when they are on
    "93.184.216.34, false, false",
    "2606:4700:4700::1111, false, false",
    "127.0.0.1, true, false",
    "10.0.0.1, true, false",
    "172.31.255.255, true, false",
    "172.32.0.1, false, false",
    "192.168.0.1, true, false",
    "169.254.1.1, true, false",
    "100.64.0.1, true, false",
    "100.128.0.1, false, false",
    "::1, true, false",
    "fe80::1, true, false",
    "fc00::1, true, false",
    "fd12:3456::1, true, false",
    "::ffff:10.0.0.1, true, false",
    "::10.0.0.1, true, false",
    "2002:7f00:1::1, true, false",
    "64:ff9b::7f00:1, true, false",
    "169.254.169.254, true, true",
    "fd00:ec2::254, true, true",
    "0.0.0.0, true, true",
    "::, true, true",
    "224.0.0.1, true, true",
    "255.255.255.255, true, true",
    "ff02::1, true, true",
  })
  void judgesAddresses(String address, boolean refusedByDefault, boolean refusedWhenPrivateOn)
      throws Exception {
    InetAddress parsed = InetAddress.getByName(address);
    Optional<String> off = AddressPolicy.refusal(parsed, false);
    Optional<String> on = AddressPolicy.refusal(parsed, true);
    assertEquals(refusedByDefault, off.isPresent(), address + " private off: " + off);
    assertEquals(refusedWhenPrivateOn, on.isPresent(), address + " private on: " + on);
    off.ifPresent(reason -> assertTrue(reason.startsWith("a") || reason.startsWith("the")));
  }
}
