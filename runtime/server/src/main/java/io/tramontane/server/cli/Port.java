package io.tramontane.server.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A port option's value, checked while the command line is parsed (before anything starts): picocli
 * names the option, this says the value and the range.
 */
final class Port implements ITypeConverter<Integer> {

  static final String RANGE = "a port is 0-65535 (0 = any free port)";

  @Override
  public Integer convert(String value) {
    int port;
    try {
      port = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a number; " + RANGE + ".");
    }
    if (port < 0 || port > 65535) {
      throw new TypeConversionException(value + " is out of range; " + RANGE + ".");
    }
    return port;
  }
}
