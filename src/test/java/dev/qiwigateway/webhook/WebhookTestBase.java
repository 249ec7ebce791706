package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import dev.qiwigateway.testing.TestSecrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A marketplace webhook receiver on port 0 ({@link ReceiverTestBase}) and a whole gateway (dev
 * profile, in-process sandbox, its own database) that delivers to it, with short poll and back-off so
 * that retries happen in the test.
 */
abstract class WebhookTestBase extends ReceiverTestBase {

  static final String SECRET = TestSecrets.WEBHOOK_SECRET;
  private static final long EVENTUALLY_LIMIT_MS = 20_000;

  protected GatewayHarness.TestGateway gateway;
  protected MerchantApi api;
  protected SandboxAdmin sandbox;

  /** Settings of a gateway that delivers to {@link #receiver}; subclasses add to them. */
  protected JsonObject settings() {
    return webhookSettings(GatewayHarness.settings(getClass().getSimpleName()));
  }

  protected JsonObject webhookSettings(JsonObject settings) {
    return settings
        .put("WEBHOOK_URL", receiver.url())
        .put("WEBHOOK_SECRET", SECRET)
        .put("WEBHOOK_POLL_MS", "20")
        .put("WEBHOOK_RETRY_BASE_MS", "20")
        .put("WEBHOOK_RETRY_MAX_MS", "100")
        .put("WEBHOOK_TIMEOUT_MS", "2000");
  }

  /** Runs after the receiver is listening (superclass methods first), on the test's own thread. */
  @BeforeEach
  void startGateway(Vertx vertx, VertxTestContext ctx) {
    GatewayHarness.start(settings())
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          api = MerchantApi.of(vertx, started.running().httpPort());
          sandbox = new SandboxAdmin(vertx, started.running().services().config().qiwi().baseUrl());
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stopGateway(VertxTestContext ctx) {
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).onComplete(ctx.succeedingThenComplete());
  }

  protected Pool db() {
    return gateway.running().services().pool();
  }

  /** Issues a bill, pays it at the sandbox and lets the gateway learn it (GET ?refresh=true). */
  protected Future<Void> issueAndPay(MerchantApi through, String billId) {
    return through.post("/v1/bills", "key-" + billId, MerchantApi.bill(billId, "100.00"))
        .compose(created -> {
          assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
          return sandbox.pay(billId);
        })
        .compose(paid -> through.get("/v1/bills/" + billId + "?refresh=true"))
        .map(refreshed -> {
          assertThat(refreshed.bodyAsJsonObject().getString("status")).isEqualTo("paid");
          return null;
        });
  }

  protected Future<Long> count(String sql) {
    return db().query(sql).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Re-checks a condition until it holds; fails after a generous bound so a broken dispatcher cannot hang. */
  protected Future<Void> eventually(String what, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + EVENTUALLY_LIMIT_MS;
    check(what, condition, deadline, done);
    return done.future();
  }

  private void check(String what, Supplier<Future<Boolean>> condition, long deadline, Promise<Void> done) {
    condition.get().onComplete(result -> {
      if (result.succeeded() && result.result()) {
        done.complete();
      } else if (System.currentTimeMillis() > deadline) {
        done.fail(new AssertionError("never happened: " + what));
      } else {
        vertx.setTimer(25, id -> check(what, condition, deadline, done));
      }
    });
  }

  protected Future<Void> eventuallyCount(String sql, long expected) {
    return eventually(sql + " = " + expected, () -> count(sql).map(n -> n == expected));
  }

  protected static double deliveries(MeterRegistry registry, String outcome) {
    Counter counter = registry.find(WebhookDispatcher.Metrics.DELIVERIES).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  protected MeterRegistry registry() {
    return gateway.running().services().registry();
  }
}
