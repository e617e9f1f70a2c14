package io.tramontane.agents.session;

/**
 * Unpaired UTF-16 surrogates. JSON may carry one ({@code "\ud800"}), but such a string has no UTF-8
 * form, so the journal cannot store it. A user's text with one is refused; text from a model or a
 * tool has each replaced by U+FFFD before it is persisted.
 */
public final class WellFormedText {

  private WellFormedText() {}

  /** The index of the first unpaired surrogate, or -1 when the text is well formed. */
  public static int loneSurrogate(String s) {
    if (s == null) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The text with every unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String repaired(String s) {
    if (loneSurrogate(s) < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append('\uFFFD');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
