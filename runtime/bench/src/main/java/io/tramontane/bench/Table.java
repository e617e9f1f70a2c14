package io.tramontane.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table: a title, column headings, rows and numbered-free footnotes. */
final class Table {

  private final String title;
  private final List<String> headings;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  Table(String title, String... headings) {
    this.title = title;
    this.headings = List.of(headings);
  }

  Table row(String... cells) {
    if (cells.length != headings.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + headings.size() + " columns");
    }
    rows.add(List.of(cells));
    return this;
  }

  /** A row of {@code cells} with "-" in every column after them (a run skipped or failed). */
  Table rowThenDashes(String... cells) {
    String[] row = Arrays.copyOf(cells, headings.size());
    Arrays.fill(row, cells.length, row.length, "-");
    return row(row);
  }

  Table note(String note) {
    notes.add(note);
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[headings.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headings.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    out.println();
    out.println(title);
    out.println(format(headings, widths));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      out.println(format(row, widths));
    }
    for (String note : notes) {
      out.println(note);
    }
    out.flush();
  }

  private static String format(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      line.append(i == 0 ? "" : " | ");
      // First column (the label) left-aligned, figures right-aligned.
      line.append(i == 0 ? pad(cell, widths[i], false) : pad(cell, widths[i], true));
    }
    return line.toString().stripTrailing();
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(width - s.length());
    return right ? fill + s : s + fill;
  }

  static String rate(double perSecond) {
    return String.format("%,.0f", perSecond);
  }

  static String ratio(double ratio) {
    return String.format("%.2f×", ratio);
  }

  static String millis(double ms) {
    return ms < 10 ? String.format("%.2f ms", ms) : String.format("%.1f ms", ms);
  }
}
