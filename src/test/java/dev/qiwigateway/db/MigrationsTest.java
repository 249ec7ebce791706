package dev.qiwigateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.config.DatabaseSettings;
import dev.qiwigateway.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationsTest {

  private static final String BILL_COLUMNS =
      "INSERT INTO bill (bill_id, merchant_id, amount, currency, customer, comment, pay_url, expires_at, issue_state, status, created_by_key) ";

  private String url;
  private Pool pool;

  @BeforeAll
  void migrateEmptyDatabase(Vertx vertx, VertxTestContext ctx) {
    url = TestPostgres.newDatabase("migrations");
    Migrations.migrate(vertx, new PostgresUrl(url))
        .onComplete(ctx.succeeding(applied -> ctx.verify(() -> {
          assertThat(applied).isGreaterThanOrEqualTo(1);
          pool = Database.pool(vertx, new DatabaseSettings(url, 2));
          ctx.completeNow();
        })));
  }

  @AfterAll
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  @DisplayName("running the migrations again on a migrated database changes nothing")
  void rerunnable(Vertx vertx, VertxTestContext ctx) {
    Migrations.migrate(vertx, new PostgresUrl(url))
        .onComplete(ctx.succeeding(applied -> ctx.verify(() -> {
          assertThat(applied).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the schema has every table the payment flows need")
  void tablesExist(VertxTestContext ctx) {
    pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").execute()
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          List<String> tables = new java.util.ArrayList<>();
          rows.forEach(row -> tables.add(row.getString(0)));
          assertThat(tables).contains("bill", "refund", "idempotency_key", "notification_inbox", "event");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a well-formed bill with an exact kopeck amount is stored exactly")
  void billStoredExactly(VertxTestContext ctx) {
    pool.query(BILL_COLUMNS + "VALUES ('ok-1', 'shop', 1499.99, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'paid', 'k')")
        .execute()
        .compose(r -> pool.query("SELECT amount::text FROM bill WHERE bill_id = 'ok-1'").execute())
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(rows.iterator().next().getString(0)).isEqualTo("1499.99");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      BILL_COLUMNS + "VALUES ('bad-status', 'shop', 10, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'refunded', 'k')",
      BILL_COLUMNS + "VALUES ('neg', 'shop', -1, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('zero', 'shop', 0, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('big', 'shop', 1000000.00, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('has space', 'shop', 10, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('cur', 'shop', 10, 'rub', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('phone', 'shop', 10, 'RUB', '+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')",
      BILL_COLUMNS + "VALUES ('pending-paid', 'shop', 10, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'pending', 'paid', 'k')",
      "INSERT INTO idempotency_key (merchant_id, idem_key, fingerprint, operation, request_body, state) "
          + "VALUES ('shop', 'k1', repeat('a', 64), 'issue_bill', '{}', 'completed')",
      "INSERT INTO event (id, merchant_id, type, bill_id, payload) VALUES ('evt_1', 'shop', 'bill.refunded', 'ok-1', '{}')",
      "INSERT INTO refund (bill_id, refund_id, merchant_id, amount, currency, created_by_key) VALUES ('no-such-bill', 'r1', 'shop', 1, 'RUB', 'k')"
  })
  @DisplayName("illegal payment states cannot be written at all")
  void illegalStatesRefused(String sql, VertxTestContext ctx) {
    pool.query(sql).execute().onComplete(ctx.failing(error -> ctx.verify(() -> {
      assertThat(error).isInstanceOf(PgException.class);
      assertThat(((PgException) error).getSqlState()).isIn("23514", "23503", "22003", "23502");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a second bill with the same QIWI bill_id is refused, whatever the merchant")
  void billIdUniqueAcrossMerchants(VertxTestContext ctx) {
    String insert = BILL_COLUMNS + "VALUES ('dup-1', $1, 10, 'RUB', 'tel:+79161234567', 'c', 'u', now(), 'issued', 'waiting', 'k')";
    pool.preparedQuery(insert).execute(io.vertx.sqlclient.Tuple.of("shop-a"))
        .compose(r -> pool.preparedQuery(insert).execute(io.vertx.sqlclient.Tuple.of("shop-b")))
        .onComplete(ctx.failing(error -> ctx.verify(() -> {
          assertThat(((PgException) error).getSqlState()).isEqualTo("23505");
          ctx.completeNow();
        })));
  }

}
