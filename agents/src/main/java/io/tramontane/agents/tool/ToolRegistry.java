package io.tramontane.agents.tool;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The tools of this node, by name. Registering a name twice is a programming error. */
public final class ToolRegistry {

  /** Tool names: what models accept for function names. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.]{0,63}");

  private final Map<String, Tool> tools = new TreeMap<>();

  public synchronized ToolRegistry register(Tool tool) {
    if (!NAME.matcher(tool.name()).matches()) {
      throw new IllegalArgumentException(
          "tool name '" + tool.name() + "' must match " + NAME.pattern());
    }
    if (tools.putIfAbsent(tool.name(), tool) != null) {
      throw new IllegalArgumentException(
          "a tool named '" + tool.name() + "' is already registered");
    }
    return this;
  }

  public synchronized Optional<Tool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  public synchronized Collection<Tool> all() {
    return java.util.List.copyOf(tools.values());
  }
}
