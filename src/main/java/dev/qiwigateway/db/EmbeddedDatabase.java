package dev.qiwigateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dev profile's PostgreSQL: a real server from the zonky binaries, in a throw-away data
 * directory. Starting and stopping spawn processes and wait, so both run on a worker thread.
 */
public final class EmbeddedDatabase {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final Vertx vertx;
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(Vertx vertx, EmbeddedPostgres postgres) {
    this.vertx = vertx;
    this.postgres = postgres;
  }

  public static Future<EmbeddedDatabase> start(Vertx vertx, int port) {
    return vertx.executeBlocking(() -> new EmbeddedDatabase(vertx, startBlocking(port)), false);
  }

  static EmbeddedPostgres startBlocking(int port) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          // Money stays durable in dev too: the same commit semantics as production.
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("max_connections", "200");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      LOG.atInfo().addKeyValue("port", postgres.getPort()).log("embedded PostgreSQL started");
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  /** The URL of the server's {@code postgres} database as the {@code postgres} superuser (local trust auth). */
  public String url() {
    return PostgresUrl.of("localhost", postgres.getPort(), "postgres", "postgres", null);
  }

  public int port() {
    return postgres.getPort();
  }

  public Future<Void> stop() {
    return vertx.executeBlocking(() -> {
      postgres.close();
      return null;
    }, false);
  }
}
