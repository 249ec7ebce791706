package dev.qiwigateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema migrations, run once at start-up. Flyway is JDBC and blocking, so it runs on a worker
 * thread; several replicas starting together are serialised by Flyway's own database lock.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static Future<Integer> migrate(Vertx vertx, PostgresUrl url) {
    return vertx.executeBlocking(() -> migrateBlocking(url), false);
  }

  static int migrateBlocking(PostgresUrl url) {
    MigrateResult result = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    LOG.atInfo()
        .addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("schemaVersion", result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion)
        .log("database schema migrated");
    return result.migrationsExecuted;
  }
}
