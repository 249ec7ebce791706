package dev.qiwigateway.testing;

import dev.qiwigateway.db.PostgresUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL per test JVM (started once, a few seconds), a fresh database per test class (and
 * per test that gets a gateway of its own, see {@link GatewayHarness#forTest}): test classes never share
 * rows, and never pay for a server each.
 */
public final class TestPostgres {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {
  }

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the data directory is temporary
        }
      }));
    }
    return server;
  }

  /** Creates an empty database and returns its PG_URL. */
  public static String newDatabase(String purpose) {
    String name = "t" + DATABASES.incrementAndGet() + "_" + purpose.toLowerCase().replaceAll("[^a-z0-9]", "_");
    if (name.length() > 60) {
      name = name.substring(0, 60);
    }
    execute("CREATE DATABASE " + name);
    return PostgresUrl.of("localhost", server().getPort(), name, "postgres", null);
  }

  public static int port() {
    return server().getPort();
  }

  public static void execute(String sql) {
    try (Connection connection = server().getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
