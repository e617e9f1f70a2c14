package io.tramontane.server.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A command line picocli cannot parse: one line saying what is wrong, naming a mistyped option
 * first (with the closest real one) even when picocli stopped at something else (a required option
 * the typo was meant to be), then where to find the usage. Exit code 2.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    CommandSpec spec = cli.getCommandSpec();
    PrintWriter err = cli.getErr();
    Optional<String> typo = unknownOption(spec, args);
    if (typo.isPresent()) {
      String name = typo.get();
      err.println(
          "tramontane: "
              + spec.qualifiedName()
              + " has no option '"
              + name
              + "'"
              + closest(spec, name).map(o -> "; did you mean " + o + "?").orElse("."));
    } else if (unknownCommand(e, spec).isPresent()) {
      String name = unknownCommand(e, spec).get();
      err.println(
          "tramontane: "
              + spec.qualifiedName()
              + " has no command '"
              + name
              + "'"
              + closestCommand(spec, name)
                  .map(c -> "; did you mean " + c + "?")
                  .orElse(". Commands: " + String.join(", ", spec.subcommands().keySet()) + "."));
    } else {
      err.println("tramontane: " + e.getMessage());
    }
    err.println("See '" + spec.qualifiedName() + " --help' for its options.");
    err.flush();
    return CommandLine.ExitCode.USAGE;
  }

  /** The first argument after the command's name that looks like an option it does not have. */
  private static Optional<String> unknownOption(CommandSpec spec, String[] args) {
    String[] names = spec.qualifiedName(" ").split(" ");
    int start = 0;
    for (int i = 1; i < names.length; i++) { // skip to the arguments of the failing subcommand
      while (start < args.length && !args[start].equals(names[i])) {
        start++;
      }
      start++;
    }
    for (int i = Math.min(start, args.length); i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        break;
      }
      if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d.*")) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        if (spec.findOption(name) == null && !clusteredShortOptions(spec, name)) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }

  /** The word where a command was expected, when this command has commands and it is none. */
  private static Optional<String> unknownCommand(ParameterException e, CommandSpec spec) {
    if (e instanceof CommandLine.UnmatchedArgumentException u
        && !spec.subcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().getFirst().startsWith("-")) {
      return Optional.of(u.getUnmatched().getFirst());
    }
    return Optional.empty();
  }

  /** The command whose name is closest to {@code typo}, when it is close enough to be a typo. */
  private static Optional<String> closestCommand(CommandSpec spec, String typo) {
    return spec.subcommands().keySet().stream()
        .min(Comparator.comparingInt(n -> distance(n, typo)))
        .filter(n -> distance(n, typo) <= Math.max(2, typo.length() / 3));
  }

  /** {@code -hV}: short options given together. */
  private static boolean clusteredShortOptions(CommandSpec spec, String name) {
    return !name.startsWith("--")
        && name.length() > 2
        && name.substring(1).chars().allMatch(c -> spec.findOption((char) c) != null);
  }

  /** The option whose name is closest to {@code typo}, when it is close enough to be a typo. */
  static Optional<String> closest(CommandSpec spec, String typo) {
    return spec.options().stream()
        .flatMap(o -> java.util.Arrays.stream(o.names()))
        .filter(n -> n.startsWith("--") == typo.startsWith("--"))
        .min(Comparator.comparingInt(n -> distance(n, typo)))
        .filter(n -> distance(n, typo) <= Math.max(2, typo.length() / 3));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
