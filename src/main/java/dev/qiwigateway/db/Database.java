package dev.qiwigateway.db;

import dev.qiwigateway.config.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/** The one reactive pool of an instance: small (docs/architecture.md#performance-design), prepared statements cached. */
public final class Database {

  public static final String POOL_NAME = "gateway-db";

  /** Longer than any statement this gateway sends (NotificationInboxTest holds the longest prepared). */
  static final int PREPARED_STATEMENT_SQL_LIMIT = 16_384;

  private Database() {
  }

  public static Pool pool(Vertx vertx, DatabaseSettings settings) {
    PgConnectOptions connect = new PostgresUrl(settings.url()).connectOptions()
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        // The client's default (2,048 characters) leaves the longest statements uncached, and those are
        // the hot ones: the ingest statement and the bill writes that return Bill.COLUMNS. Uncached,
        // PostgreSQL parsed, analysed and planned each of them on every execution; perf put that at a
        // quarter of PostgreSQL's CPU per notification (loadtest/bench/run.sh).
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_SQL_LIMIT)
        .setPipeliningLimit(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    PoolOptions pool = new PoolOptions()
        .setName(POOL_NAME)
        .setMaxSize(settings.poolSize())
        .setMaxWaitQueueSize(10_000)
        // No wait limit for a pooled connection: in vertx-sql-client 5.0.7 a waiter whose limit expires
        // just as a connection is handed to it loses that connection for good ("Promise already
        // completed" in SqlConnectionPool$PoolRequest, fixed upstream by eclipse-vertx/vertx-sql-client
        // PR 1620). Under a burst the pool then shrank to nothing and the gateway stopped answering;
        // measured with loadtest/run-benchmark.sh. Work is bounded instead by the wait-queue size and
        // by the ingest batcher's share of the pool (notification.IngestBatcher).
        .setConnectionTimeout(0)
        .setIdleTimeout(60);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /**
   * {@link Pool#withTransaction} without its wait for BEGIN: the client pipelines BEGIN with the first
   * statement of {@code work}, so a transaction costs one round trip to PostgreSQL fewer. A create runs
   * two transactions; at low load each round trip is a tenth of a millisecond or more of its latency.
   * COMMIT still waits for the statements before it (the client sends it once they have completed).
   */
  public static <T> Future<T> transaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(connection -> {
      Future<Transaction> begun = connection.begin();
      return Future.succeededFuture(connection).compose(work)
          .compose(result -> begun.compose(Transaction::commit).map(result),
              failure -> begun.compose(Transaction::rollback).transform(ignored -> Future.<T>failedFuture(failure)))
          .onComplete(ignored -> connection.close());
    });
  }
}
