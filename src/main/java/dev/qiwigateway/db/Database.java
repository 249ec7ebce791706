package dev.qiwigateway.db;

import dev.qiwigateway.config.DatabaseSettings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The one reactive pool of an instance: small (design.md §3), prepared statements cached. */
public final class Database {

  public static final String POOL_NAME = "gateway-db";

  private Database() {
  }

  public static Pool pool(Vertx vertx, DatabaseSettings settings) {
    PgConnectOptions connect = new PostgresUrl(settings.url()).connectOptions()
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    PoolOptions pool = new PoolOptions()
        .setName(POOL_NAME)
        .setMaxSize(settings.poolSize())
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(5)
        .setIdleTimeout(60);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
