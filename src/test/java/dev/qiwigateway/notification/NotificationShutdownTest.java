package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.db.PostgresUrl;
import dev.qiwigateway.testing.FreshGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A gateway told to stop still commits and acknowledges the notification it is writing")
@FreshGateway("stops its gateway")
class NotificationShutdownTest extends NotificationTestBase {

  private Pool outside;

  @AfterEach
  void closeOutsidePool(VertxTestContext ctx) {
    (outside == null ? Future.<Void>succeededFuture() : outside.close()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a notification whose batch is held up when shutdown begins is committed, then answered with success")
  void inFlightBatchCommitsBeforeExit(VertxTestContext ctx) {
    outside = PgBuilder.pool()
        .connectingTo(new PostgresUrl(gateway.running().services().config().database().url()).connectOptions())
        .using(vertx).build();
    Promise<HttpResponse<Buffer>> answered = Promise.promise();
    Holder holder = new Holder();
    issue("held-1", "10.00")
        // Another transaction holds the bill row, so the batch that names it waits inside its transaction.
        .compose(issued -> outside.getConnection())
        .compose(connection -> {
          holder.connection = connection;
          return connection.begin();
        })
        .compose(tx -> {
          holder.tx = tx;
          return holder.connection.query("SELECT 1 FROM bill WHERE bill_id = 'held-1' FOR UPDATE").execute();
        })
        .compose(locked -> {
          qiwi.sendRestV3(QiwiSender.restV3("held-1", "paid", "10.00")).onComplete(answered);
          return eventually("the batch to wait for the bill row", () -> outside
              .query("SELECT count(*) FROM pg_locks WHERE NOT granted").execute()
              .map(rows -> rows.iterator().next().getLong(0) > 0 ? true : null));
        })
        .compose(waiting -> {
          // Without the drain, stopping would close the connection and the pool under the waiting batch.
          Future<Void> stopping = gateway.running().stop();
          return holder.tx.commit().compose(released -> stopping);
        })
        .compose(stopped -> answered.future())
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(QiwiSender.restV3Code(answer)).isZero();
          });
          return outside.query("SELECT b.status, (SELECT string_agg(verdict, ',') FROM notification_inbox n "
              + "WHERE n.bill_id = b.bill_id) FROM bill b WHERE b.bill_id = 'held-1'").execute();
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(rows.iterator().next().getString(0)).isEqualTo("paid");
          assertThat(rows.iterator().next().getString(1)).isEqualTo("applied");
          holder.connection.close();
          ctx.completeNow();
        })));
  }

  private static final class Holder {
    SqlConnection connection;
    Transaction tx;
  }
}
