package io.tramontane.core.yaml;

/** A document {@link YamlReader} refuses: where (1-based), what is wrong and how to fix it. */
public final class YamlException extends RuntimeException {

  private final int line;
  private final int column;
  private final String hint;

  YamlException(int line, int column, String message, String hint) {
    super(message, null, false, false);
    this.line = line;
    this.column = column;
    this.hint = hint;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String hint() {
    return hint;
  }
}
