package io.tramontane.server.cli;

/**
 * A subcommand shipped in another jar, found with {@link java.util.ServiceLoader} when that jar is
 * on the classpath: {@code tramontane bench} lives in runtime/bench, so the server jar alone runs
 * {@code serve} and carries no benchmark. An implementation is a picocli {@code @Command} with a
 * public no-argument constructor, listed in {@code
 * META-INF/services/io.tramontane.server.cli.PluginCommand}.
 */
public interface PluginCommand {}
