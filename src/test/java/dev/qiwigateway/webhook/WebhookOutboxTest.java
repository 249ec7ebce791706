package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.DatabaseSettings;
import dev.qiwigateway.db.Database;
import dev.qiwigateway.db.Migrations;
import dev.qiwigateway.db.PostgresUrl;
import dev.qiwigateway.event.EventStore;
import dev.qiwigateway.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The outbox's lease rules against real PostgreSQL: exclusivity, order per bill, retry window, horizon. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookOutboxTest {

  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final String BILL = "INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, "
      + "pay_url, expires_at, issue_state, status, created_by_key) "
      + "VALUES ($1, 'shop-1', 10, 'RUB', 'tel:+79161234567', 'c', 'u', now() + interval '1 day', 'issued', 'waiting', 'k') "
      + "ON CONFLICT DO NOTHING";

  private Pool pool;
  private WebhookOutbox first;
  private WebhookOutbox second;

  @BeforeAll
  void migrate(Vertx vertx, VertxTestContext ctx) {
    String url = TestPostgres.newDatabase("webhook-outbox");
    Migrations.migrate(vertx, new PostgresUrl(url)).onComplete(ctx.succeeding(applied -> {
      pool = Database.pool(vertx, new DatabaseSettings(url, 4));
      ctx.completeNow();
    }));
  }

  @AfterAll
  void close() {
    pool.close();
  }

  @BeforeEach
  void emptyOutbox(VertxTestContext ctx) {
    first = new WebhookOutbox(pool, UUID.randomUUID());
    second = new WebhookOutbox(pool, UUID.randomUUID());
    pool.query("TRUNCATE event").execute()
        .compose(v -> Future.all(List.of("a", "b", "c", "d").stream()
            .map(bill -> pool.preparedQuery(BILL).execute(Tuple.of(bill))).toList()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a bill's later event waits until its earlier one is delivered, while other bills go ahead")
  void orderPerBill(VertxTestContext ctx) {
    append("a", "bill.waiting").compose(a1 -> append("a", "bill.paid").compose(a2 -> append("b", "bill.waiting")
        .compose(b1 -> first.lease(10, LEASE)
            .compose(leased -> {
              ctx.verify(() -> assertThat(ids(leased)).containsExactlyInAnyOrder(id(a1), id(b1)));
              return second.lease(10, LEASE).map(none -> {
                ctx.verify(() -> assertThat(none).as("a leased event, and one blocked behind it").isEmpty());
                return leased;
              });
            })
            .compose(leased -> first.markDelivered(event(leased, id(a1))))
            .compose(delivered -> second.lease(10, LEASE))
            .onComplete(ctx.succeeding(next -> ctx.verify(() -> {
              assertThat(ids(next)).containsExactly(id(a2));
              assertThat(next.get(0).body().toJsonObject()).isEqualTo(a2);
              ctx.completeNow();
            }))))));
  }

  @Test
  @DisplayName("a lease is exclusive until its holder releases it; each lease counts as an attempt")
  void leaseIsExclusiveUntilReleased(VertxTestContext ctx) {
    append("a", "bill.waiting")
        .compose(a1 -> first.lease(10, LEASE))
        .compose(leased -> second.lease(10, LEASE).map(none -> {
          ctx.verify(() -> {
            assertThat(leased).hasSize(1);
            assertThat(leased.get(0).attempts()).isEqualTo(1);
            assertThat(none).isEmpty();
          });
          return leased;
        }))
        .compose(leased -> first.releaseAll())
        .compose(released -> {
          ctx.verify(() -> assertThat(released).isEqualTo(1));
          return second.lease(10, LEASE);
        })
        .onComplete(ctx.succeeding(taken -> ctx.verify(() -> {
          assertThat(taken).hasSize(1);
          assertThat(taken.get(0).attempts()).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("only the lease holder records an attempt's outcome")
  void onlyTheHolderRecords(VertxTestContext ctx) {
    append("a", "bill.waiting")
        .compose(a1 -> first.lease(10, LEASE))
        .compose(leased -> second.markDelivered(leased.get(0))
            .compose(notMine -> second.markFailed(leased.get(0), "HTTP 500", 10, WINDOW).map(failure -> {
              ctx.verify(() -> {
                assertThat(notMine).isEmpty();
                assertThat(failure).isEqualTo(WebhookOutbox.Failure.LEASE_LOST);
              });
              return leased;
            })))
        .compose(leased -> first.markDelivered(leased.get(0)))
        .onComplete(ctx.succeeding(latency -> ctx.verify(() -> {
          assertThat(latency).isPresent();
          assertThat(latency.get()).isGreaterThanOrEqualTo(Duration.ZERO);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a failure inside the retry window is retried later; past it the event is dead and no longer holds its bill")
  void retryThenDead(VertxTestContext ctx) {
    append("a", "bill.waiting").compose(a1 -> append("a", "bill.paid").compose(a2 -> first.lease(10, LEASE)
        .compose(leased -> first.markFailed(leased.get(0), "HTTP 500", 60_000, WINDOW))
        .compose(failure -> {
          ctx.verify(() -> assertThat(failure).isEqualTo(WebhookOutbox.Failure.RETRY));
          return first.lease(10, LEASE);
        })
        .compose(none -> {
          ctx.verify(() -> assertThat(none).as("one backing off, one behind it").isEmpty());
          return pool.preparedQuery("UPDATE event SET next_attempt_at = now(), "
              + "first_attempt_at = now() - interval '2 hours' WHERE id = $1").execute(Tuple.of(id(a1)));
        })
        .compose(v -> first.lease(10, LEASE))
        .compose(again -> first.markFailed(again.get(0), "HTTP 502", 10, WINDOW))
        .compose(failure -> {
          ctx.verify(() -> assertThat(failure).isEqualTo(WebhookOutbox.Failure.DEAD));
          return first.lease(10, LEASE);
        })
        .compose(next -> {
          ctx.verify(() -> assertThat(ids(next)).containsExactly(id(a2)));
          return pool.preparedQuery("SELECT delivery_state, last_error, attempts FROM event WHERE id = $1")
              .execute(Tuple.of(id(a1)));
        })
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          var row = rows.iterator().next();
          assertThat(row.getString("delivery_state")).isEqualTo("dead");
          assertThat(row.getString("last_error")).isEqualTo("HTTP 502");
          assertThat(row.getInteger("attempts")).isEqualTo(2);
          ctx.completeNow();
        })))));
  }

  @Test
  @DisplayName("no event is leased while an older transaction that may still add events is open")
  void horizonHoldsBackLaterTransactions(VertxTestContext ctx) {
    EventStore.Draft older = new EventStore.Draft("shop-1", "bill.waiting", "c", null, new JsonObject().put("billId", "c"));
    pool.getConnection().compose(conn -> conn.begin().compose(tx -> EventStore.append(conn, older)
        .compose(late -> append("d", "bill.waiting")
            .compose(early -> first.lease(10, LEASE))
            .compose(none -> {
              ctx.verify(() -> assertThat(none).as("leased while an older transaction is open").isEmpty());
              return tx.commit();
            })
            .compose(committed -> first.lease(10, LEASE))
            .map(leased -> {
              ctx.verify(() -> assertThat(leased).extracting(WebhookOutbox.Event::billId).containsExactlyInAnyOrder("c", "d"));
              return leased;
            }))
        .eventually(conn::close)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("the depth counts pending and dead events")
  void depth(VertxTestContext ctx) {
    append("a", "bill.waiting")
        .compose(a1 -> append("b", "bill.waiting"))
        .compose(b1 -> pool.preparedQuery("UPDATE event SET delivery_state = 'dead' WHERE id = $1").execute(Tuple.of(id(b1))))
        .compose(v -> first.depth())
        .onComplete(ctx.succeeding(depth -> ctx.verify(() -> {
          assertThat(depth).isEqualTo(new WebhookOutbox.Depth(1, 1));
          ctx.completeNow();
        })));
  }

  private Future<JsonObject> append(String billId, String type) {
    return pool.withTransaction(tx -> EventStore.append(tx, new EventStore.Draft("shop-1", type, billId, null,
        new JsonObject().put("billId", billId).put("status", type.substring("bill.".length())))));
  }

  private static String id(JsonObject event) {
    return event.getString("id");
  }

  private static List<String> ids(List<WebhookOutbox.Event> events) {
    return events.stream().map(WebhookOutbox.Event::id).toList();
  }

  private static WebhookOutbox.Event event(List<WebhookOutbox.Event> events, String id) {
    return events.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
  }
}
