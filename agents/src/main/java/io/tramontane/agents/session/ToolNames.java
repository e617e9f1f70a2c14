package io.tramontane.agents.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Tool names as models see them. Platform names contain dots ({@code http.request}); OpenAI, and
 * others after it, accept only {@code ^[a-zA-Z0-9_-]{1,64}$} for function names. Every provider is
 * offered such a name and the model's choice is mapped back to the tool. The mapping is a bijection
 * over an agent's tools, computed from their sorted names, so it is the same for every call of a
 * session (whose definition is pinned): {@code http.request} becomes {@code http_request}, unless
 * that is taken (by a tool of that name or an earlier one), then {@code http_request_2}, and so on.
 */
final class ToolNames {

  /** What every provider accepts as a function name. */
  static final Pattern OFFERED = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private static final int MAX = 64;

  private final Map<String, String> toModel = new HashMap<>();
  private final Map<String, String> fromModel = new HashMap<>();

  private ToolNames() {}

  static ToolNames of(Collection<String> tools) {
    ToolNames names = new ToolNames();
    TreeSet<String> sorted = new TreeSet<>(tools);
    // Names that are already valid keep themselves; the others are fitted around them.
    for (String tool : sorted) {
      if (OFFERED.matcher(tool).matches()) {
        names.put(tool, tool);
      }
    }
    for (String tool : sorted) {
      if (names.toModel.containsKey(tool)) {
        continue;
      }
      String base = sanitize(tool);
      String candidate = base;
      for (int n = 2; names.fromModel.containsKey(candidate); n++) {
        String suffix = "_" + n;
        candidate = base.substring(0, Math.min(base.length(), MAX - suffix.length())) + suffix;
      }
      names.put(tool, candidate);
    }
    return names;
  }

  private void put(String tool, String offered) {
    toModel.put(tool, offered);
    fromModel.put(offered, tool);
  }

  /** The name offered to the model; a name outside the agent's tools is made valid all the same. */
  String offered(String tool) {
    String o = toModel.get(tool);
    return o != null ? o : sanitize(tool);
  }

  /** The tool a name the model used stands for; an unknown name stays as the model wrote it. */
  String tool(String offered) {
    if (offered == null) {
      return "";
    }
    String t = fromModel.get(offered);
    return t != null ? t : offered;
  }

  private static String sanitize(String tool) {
    String s = tool == null ? "" : tool.replaceAll("[^a-zA-Z0-9_-]", "_");
    if (s.isEmpty()) {
      s = "tool";
    }
    return s.length() > MAX ? s.substring(0, MAX) : s;
  }
}
