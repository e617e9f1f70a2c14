package io.tramontane.bench;

import io.tramontane.core.persistence.DatabaseSettings;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --db}, for the benchmarks that write a journal (agent, journal, recovery, webhook,
 * workflow): a value other than h2, postgres or both is refused while the command line is parsed.
 */
final class BenchDatabase {

  @Option(
      names = "--db",
      paramLabel = "h2|postgres|both",
      converter = Choice.class,
      description =
          "Journal database(s) to measure (default: both for journal and recovery, h2 for the"
              + " others). PostgreSQL comes from TRAMONTANE_DB_URL, TRAMONTANE_DB_USER and"
              + " TRAMONTANE_DB_PASSWORD.")
  List<DatabaseSettings.Kind> db;

  /** The database kinds to run, in order; {@code fallback} when {@code --db} is not given. */
  List<DatabaseSettings.Kind> kinds(String fallback) {
    return db != null ? db : new Choice().convert(fallback);
  }

  /** h2, postgres (postgresql, pg) or both, in any case. */
  static final class Choice implements ITypeConverter<List<DatabaseSettings.Kind>> {
    @Override
    public List<DatabaseSettings.Kind> convert(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "h2" -> List.of(DatabaseSettings.Kind.H2);
        case "postgres", "postgresql", "pg" -> List.of(DatabaseSettings.Kind.POSTGRES);
        case "both" -> List.of(DatabaseSettings.Kind.H2, DatabaseSettings.Kind.POSTGRES);
        default ->
            throw new TypeConversionException("'" + value + "' is not h2, postgres or both.");
      };
    }
  }
}
