package dev.qiwigateway.idempotency;

import static dev.qiwigateway.idempotency.FakeBillOperations.RESERVED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.idempotency.IdempotentOperation.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests whose handler died are finished in the background; keys past their retention are purged. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyRecoveryTest {

  private static final String BILL = "{\"amount\":\"250.00\",\"currency\":\"RUB\"}";

  private IdempotencyTestBed bed;
  private IdempotencyCompleter completer;

  @BeforeAll
  void startBed(VertxTestContext ctx) {
    IdempotencyTestBed.start("idempotency_recovery").onComplete(ctx.succeeding(started -> {
      bed = started;
      completer = new IdempotencyCompleter(bed.vertx, bed.store(), bed.runner(), Duration.ofMillis(50),
          GatewayConfig.from(new JsonObject()).idempotency().completerBatch());
      ctx.completeNow();
    }));
  }

  @AfterAll
  void closeBed(VertxTestContext ctx) {
    bed.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("the completer finishes a bill whose handler died, once, from the bill it reserved; the merchant's retry gets the replay")
  void completerFinishesAbandonedRequest(VertxTestContext ctx) {
    String key = "completer-1";
    bed.killedHandler(key, BILL, "bill-completer-1", true)
        .compose(dead -> completer.runOnce())
        .compose(finished -> {
          ctx.verify(() -> {
            assertThat(finished).isGreaterThanOrEqualTo(1);
            List<FakeBillOperations.Run> runs = bed.bills.executionsOf(key);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).resourceId()).isEqualTo("bill-completer-1");
            assertThat(runs.get(0).resumedFrom()).isEqualTo(RESERVED);
          });
          return bed.post("/v1/bills", key, BILL);
        })
        .onComplete(ctx.succeeding(retry -> ctx.verify(() -> {
          assertThat(retry.statusCode()).isEqualTo(201);
          assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
          assertThat(retry.bodyAsJsonObject().getString("billId")).isEqualTo("bill-completer-1");
          assertThat(bed.bills.executionsOf(key)).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the completer leaves alone a bill whose handler is still alive")
  void completerSkipsLiveLeases(VertxTestContext ctx) {
    String key = "still-running-1";
    JsonObject body = new JsonObject(BILL);
    IdempotencyKey idempotencyKey = new IdempotencyKey(IdempotencyTestBed.MERCHANT, key);
    bed.store().claim(idempotencyKey, IdempotencyKey.fingerprint("POST", "/v1/bills", body), Kind.ISSUE_BILL,
            new JsonObject().put("body", body), "bill-running-1")
        .compose(running -> completer.runOnce())
        .compose(ran -> bed.store().storedReply(idempotencyKey))
        .onComplete(ctx.succeeding(stored -> ctx.verify(() -> {
          assertThat(bed.bills.executionsOf(key)).isEmpty();
          assertThat(stored).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("on its timer the completer finishes an abandoned bill without anyone asking")
  void completerRunsOnItsOwn(VertxTestContext ctx) {
    String key = "completer-timer-1";
    IdempotencyKey idempotencyKey = new IdempotencyKey(IdempotencyTestBed.MERCHANT, key);
    bed.killedHandler(key, BILL, "bill-timer-1", true)
        .compose(dead -> {
          completer.start();
          return eventually(() -> bed.store().storedReply(idempotencyKey).map(stored -> stored.isPresent()));
        })
        .eventually(() -> completer.stop())
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(bed.bills.executionsOf(key)).hasSize(1);
          assertThat(bed.bills.executionsOf(key).get(0).resourceId()).isEqualTo("bill-timer-1");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("when the completer cannot learn the outcome either, it lets the merchant's retry resume at once")
  void completerReleasesUnknownOutcome(VertxTestContext ctx) {
    String key = "completer-unknown-1";
    String body = "{\"amount\":\"10.00\",\"scenario\":\"provider_down_once\"}";
    bed.killedHandler(key, body, "bill-unknown-1", false)
        .compose(dead -> completer.runOnce())
        .compose(ran -> bed.post("/v1/bills", key, body))
        .onComplete(ctx.succeeding(retry -> ctx.verify(() -> {
          assertThat(retry.statusCode()).isEqualTo(201);
          assertThat(retry.getHeader("Idempotent-Replayed")).isNull();
          assertThat(retry.bodyAsJsonObject().getString("billId")).isEqualTo("bill-unknown-1");
          assertThat(retry.bodyAsJsonObject().getString("resumedFrom")).isEqualTo(RESERVED);
          assertThat(bed.bills.executionsOf(key)).hasSize(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the reaper purges keys past their 48-hour retention in batches, keeping younger keys and live requests")
  void reaperPurgesOnlyExpiredKeys(VertxTestContext ctx) {
    String merchant = "shop-reaper";
    int port = bed.primary().port();
    List<Future<?>> created = new ArrayList<>();
    for (String key : List.of("old-1", "old-2", "old-3", "old-4", "old-5", "young-1")) {
      created.add(bed.post(port, merchant, "/v1/bills", key, BILL));
    }
    JsonObject body = new JsonObject(BILL);
    created.add(bed.store().claim(new IdempotencyKey(merchant, "old-running"), IdempotencyKey.fingerprint("POST", "/v1/bills",
        body), Kind.ISSUE_BILL, new JsonObject().put("body", body), "bill-old-running"));
    IdempotencyReaper reaper = new IdempotencyReaper(bed.vertx, bed.store(), dev.qiwigateway.config.IdempotencySettings.MIN_RETENTION,
        Duration.ofHours(1), 2, 100);
    Future.all(created)
        .compose(all -> age(merchant, 49, "old-1", "old-2", "old-3", "old-4", "old-5", "old-running"))
        .compose(aged -> age(merchant, 47, "young-1"))
        .compose(aged -> reaper.runOnce())
        .compose(purged -> bed.pool().preparedQuery("SELECT idem_key FROM idempotency_key WHERE merchant_id = $1")
            .execute(Tuple.of(merchant)).map(rows -> {
              List<String> kept = new ArrayList<>();
              rows.forEach(row -> kept.add(row.getString(0)));
              ctx.verify(() -> {
                assertThat(purged).isEqualTo(5);
                assertThat(kept).containsExactlyInAnyOrder("young-1", "old-running");
              });
              return kept;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("keys may not be kept for less than 48 hours, QIWI's notification window and then some")
  void retentionAtLeast48Hours() {
    assertThatThrownBy(() -> new IdempotencyReaper(bed.vertx, bed.store(), Duration.ofHours(47), Duration.ofHours(1), 100,
        100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Future<Void> age(String merchant, int hours, String... keys) {
    return bed.pool().preparedQuery("UPDATE idempotency_key SET created_at = now() - make_interval(hours => $3) "
            + "WHERE merchant_id = $1 AND idem_key = ANY($2)")
        .execute(Tuple.of(merchant, keys, hours))
        .mapEmpty();
  }

  /** Polls until the condition holds; the test's own timeout is the upper bound. */
  private Future<Void> eventually(Supplier<Future<Boolean>> condition) {
    return condition.get().compose(holds -> holds ? Future.succeededFuture()
        : bed.vertx.timer(20).compose(later -> eventually(condition)));
  }
}
