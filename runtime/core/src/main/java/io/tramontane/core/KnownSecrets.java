package io.tramontane.core;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every secret value this process has resolved (API keys, model provider keys, webhook secrets,
 * passwords), so that the logging layer can redact them wherever they appear, whichever library
 * wrote the line. {@link SecretReference} adds what it resolves; code that reads a secret another
 * way adds it with {@link #register}. A secret is matched as written and in the forms it takes when
 * a server or a library echoes it: JSON-escaped and URL-encoded.
 */
public final class KnownSecrets {

  /** What replaces a secret. */
  public static final String REDACTED = "[redacted]";

  /**
   * Shorter values are not registered: they would redact ordinary words, and a secret that short is
   * not one.
   */
  static final int MIN_LENGTH = 6;

  private static final Set<String> VALUES = new LinkedHashSet<>();

  /** Every form of every value, longest first (so a longer form is replaced before its parts). */
  private static volatile List<String> forms = List.of();

  private KnownSecrets() {}

  /** Adds {@code value} (ignored when null or shorter than {@value #MIN_LENGTH} characters). */
  public static void register(String value) {
    if (value == null || value.strip().length() < MIN_LENGTH) {
      return;
    }
    synchronized (VALUES) {
      if (!VALUES.add(value)) {
        return;
      }
      Set<String> all = new LinkedHashSet<>(forms);
      all.addAll(formsOf(value));
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(Comparator.comparingInt(String::length).reversed());
      forms = List.copyOf(sorted);
    }
  }

  /**
   * Removes {@code value}, e.g. a short-lived access token that was replaced by a new one, so the
   * registry does not grow with every renewal.
   */
  public static void forget(String value) {
    if (value == null) {
      return;
    }
    synchronized (VALUES) {
      if (!VALUES.remove(value)) {
        return;
      }
      Set<String> all = new LinkedHashSet<>();
      for (String v : VALUES) {
        all.addAll(formsOf(v));
      }
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(Comparator.comparingInt(String::length).reversed());
      forms = List.copyOf(sorted);
    }
  }

  /** True when no secret is registered (nothing to redact). */
  public static boolean isEmpty() {
    return forms.isEmpty();
  }

  /** Whether {@code text} contains any registered secret in any of its forms. */
  public static boolean leaks(String text) {
    if (text == null) {
      return false;
    }
    for (String f : forms) {
      if (text.contains(f)) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with every form of every registered secret replaced by {@value #REDACTED}. */
  public static String redact(String text) {
    return replace(text, forms);
  }

  /** {@code text} with every form of {@code secret} replaced by {@code replacement}. */
  public static String redact(String text, String secret, String replacement) {
    if (text == null || secret == null || secret.isEmpty()) {
      return text;
    }
    String out = text;
    for (String f : formsOf(secret)) {
      out = out.replace(f, replacement);
    }
    return out;
  }

  /** Whether {@code text} contains {@code secret} in any of its forms. */
  public static boolean mentions(String text, String secret) {
    if (text == null || secret == null || secret.isEmpty()) {
      return false;
    }
    for (String f : formsOf(secret)) {
      if (text.contains(f)) {
        return true;
      }
    }
    return false;
  }

  private static String replace(String text, List<String> candidates) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String f : candidates) {
      if (out.contains(f)) {
        out = out.replace(f, REDACTED);
      }
    }
    return out;
  }

  /**
   * The value, JSON-escaped (as a server echoing it in a JSON body writes it, with and without
   * {@code \/}) and URL-encoded (form and percent-space styles, upper and lower case hex); longest
   * first.
   */
  static List<String> formsOf(String value) {
    Set<String> f = new LinkedHashSet<>();
    f.add(value);
    String json = new String(JsonStringEncoder.getInstance().quoteAsString(value));
    f.add(json);
    f.add(json.replace("/", "\\/"));
    String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
    f.add(url);
    f.add(url.replace("+", "%20"));
    f.add(lowerHex(url));
    f.add(lowerHex(url.replace("+", "%20")));
    List<String> sorted = new ArrayList<>(f);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return sorted;
  }

  private static String lowerHex(String encoded) {
    StringBuilder b = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        b.append('%')
            .append(Character.toLowerCase(encoded.charAt(i + 1)))
            .append(Character.toLowerCase(encoded.charAt(i + 2)));
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Forgets every value; for tests. */
  static void clear() {
    synchronized (VALUES) {
      VALUES.clear();
      forms = List.of();
    }
  }
}
