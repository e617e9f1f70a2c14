package io.tramontane.core.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the journal lives: the embedded H2 file database (default) or PostgreSQL. Read once from
 * {@code tramontane.database}. The password never appears in {@link #toString()} or in logs.
 */
public record DatabaseSettings(
    Kind kind,
    String jdbcUrl,
    String user,
    String password,
    int maxConnections,
    Duration connectionTimeout,
    boolean createSchema,
    Path dataDir) {

  /** Supported databases. */
  public enum Kind {
    H2,
    POSTGRES
  }

  public static DatabaseSettings fromConfig(Config config) {
    Config db = config.getConfig("tramontane.database");
    Path dataDir = Path.of(config.getString("tramontane.data-dir")).toAbsolutePath().normalize();
    String kindName = db.getString("kind").trim().toLowerCase(Locale.ROOT);
    Kind kind =
        switch (kindName) {
          case "h2" -> Kind.H2;
          case "postgres", "postgresql" -> Kind.POSTGRES;
          default ->
              throw new ConfigurationException(
                  "tramontane.database.kind (env TRAMONTANE_DB_KIND) is '"
                      + kindName
                      + "'; use 'h2' (embedded, the default) or 'postgres'.");
        };
    int maxConnections = db.getInt("max-connections");
    if (maxConnections < 1) {
      throw new ConfigurationException(
          "tramontane.database.max-connections must be at least 1, was " + maxConnections + ".");
    }
    Duration timeout = db.getDuration("connection-timeout");
    boolean createSchema = db.getBoolean("create-schema");
    return switch (kind) {
      case H2 -> {
        String url = db.getString("h2-url");
        if (url.isBlank()) {
          url = h2FileUrl(dataDir.resolve("db").resolve("tramontane"));
        }
        yield new DatabaseSettings(
            Kind.H2, url, "sa", "", maxConnections, timeout, createSchema, dataDir);
      }
      case POSTGRES -> {
        String url = db.getString("url");
        if (!url.startsWith("jdbc:postgresql:")) {
          throw new ConfigurationException(
              "tramontane.database.url (env TRAMONTANE_DB_URL) must be a PostgreSQL JDBC URL such"
                  + " as jdbc:postgresql://127.0.0.1:5432/tramontane, was '"
                  + url
                  + "'.");
        }
        yield new DatabaseSettings(
            Kind.POSTGRES,
            url,
            db.getString("user"),
            password(db),
            maxConnections,
            timeout,
            createSchema,
            dataDir);
      }
    };
  }

  /**
   * H2 in file mode. WRITE_DELAY=0 makes a commit reach the file before the caller is answered;
   * REUSE_SPACE=FALSE makes every commit append instead of overwriting space freed by older chunks,
   * so a process killed mid-write cannot leave recovery to fall back to an older chunk and drop
   * acknowledged commits (seen under load with kill -9, see AcknowledgedCrashH2IT). The file only
   * grows while the node runs; {@link H2Compaction} rewrites it at the next start. FILE_LOCK=FS
   * releases the lock when the process dies.
   */
  static String h2FileUrl(Path file) {
    return "jdbc:h2:file:"
        + file
        + ";WRITE_DELAY=0;FILE_LOCK=FS;DB_CLOSE_ON_EXIT=FALSE;REUSE_SPACE=FALSE";
  }

  private static String password(Config db) {
    String password = readPassword(db);
    KnownSecrets.register(password);
    return password;
  }

  private static String readPassword(Config db) {
    String file = db.getString("password-file");
    if (!file.isBlank()) {
      try {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new ConfigurationException(
            "tramontane.database.password-file (env TRAMONTANE_DB_PASSWORD_FILE) points at "
                + file
                + ", which cannot be read: "
                + e.getMessage());
      }
    }
    String password = db.getString("password");
    if (password.startsWith("env:") || password.startsWith("file:")) {
      // A reference like every other secret's: env:NAME or file:/path, resolved here.
      return SecretReference.resolve("tramontane.database.password", password, System::getenv);
    }
    return password;
  }

  public String driverClass() {
    return kind == Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver";
  }

  /** The Slick database shared by pekko-persistence-jdbc's journal, snapshots and read journal. */
  public Config toPekkoConfig() {
    Map<String, Object> db = new HashMap<>();
    db.put("url", jdbcUrl);
    db.put("user", user);
    db.put("password", password);
    db.put("driver", driverClass());
    db.put("numThreads", maxConnections);
    db.put("maxConnections", maxConnections);
    db.put("minConnections", 1);
    db.put("connectionTimeout", connectionTimeout.toMillis());
    db.put("queueSize", 10000);
    Map<String, Object> slick = new HashMap<>();
    slick.put("profile", kind == Kind.H2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$");
    slick.put("db", db);
    return ConfigFactory.parseMap(
        Map.of("pekko-persistence-jdbc", Map.of("shared-databases", Map.of("slick", slick))),
        "tramontane.database");
  }

  /** A description safe to log: no password. */
  public String describe() {
    return kind == Kind.H2 ? "H2 " + jdbcUrl : "PostgreSQL " + jdbcUrl + " as " + user;
  }

  @Override
  public String toString() {
    return "DatabaseSettings[" + describe() + ", password=***]";
  }
}
