package dev.qiwigateway.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 4's acceptance as the marketplace sees it: a whole gateway (dev profile, its in-process
 * sandbox sending real notifications, its own database) that delivers webhooks to a
 * {@link MarketplaceReceiver}. Each test starts its gateway with the schedule it needs and drives it
 * only through its public doors: the merchant API, the sandbox's admin API and POST /qiwi/notifications.
 */
@ExtendWith(VertxExtension.class)
abstract class AcceptanceTestBase {

  /** Only an upper bound for a broken build: every wait ends as soon as its condition holds. */
  static final Duration PATIENCE = Duration.ofSeconds(20);

  protected Vertx vertx;
  protected MarketplaceReceiver receiver;
  protected GatewayHarness.TestGateway gateway;
  protected MerchantApi api;
  protected SandboxAdmin sandbox;
  protected QiwiNotifier qiwi;

  @BeforeEach
  void startReceiver(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    receiver = new MarketplaceReceiver(vertx);
    receiver.start().onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopAll(VertxTestContext ctx) {
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close())
        .eventually(() -> receiver.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Starts the gateway under test with the harness's settings, webhooks to the receiver, and {@code overrides}. */
  protected Future<Void> startGateway(JsonObject overrides) {
    JsonObject settings = GatewayHarness.settings(getClass().getSimpleName())
        .mergeIn(receiver.gatewaySettings())
        .mergeIn(overrides);
    return GatewayHarness.start(settings).map(started -> {
      gateway = started;
      api = MerchantApi.of(vertx, started.running().httpPort());
      sandbox = new SandboxAdmin(vertx, started.running().services().config().qiwi().baseUrl());
      qiwi = new QiwiNotifier(vertx, started.running().httpPort());
      return null;
    });
  }

  protected Future<JsonObject> issue(String billId, String amount) {
    return api.post("/v1/bills", "issue-" + billId, MerchantApi.bill(billId, amount)).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return created.bodyAsJsonObject();
    });
  }

  /** The bill as the merchant API shows it, from the gateway's own records (no refresh). */
  protected Future<JsonObject> bill(String billId) {
    return api.get("/v1/bills/" + billId).map(read -> {
      assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
      return read.bodyAsJsonObject();
    });
  }

  /** Every event of the merchant's feed, in feed order. */
  protected Future<List<JsonObject>> feed() {
    return api.get("/v1/events?limit=1000").map(page -> {
      assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
      List<JsonObject> events = new ArrayList<>();
      page.bodyAsJsonObject().getJsonArray("data").forEach(event -> events.add((JsonObject) event));
      return events;
    });
  }

  protected static List<JsonObject> eventsOf(List<JsonObject> feed, String billId) {
    return feed.stream().filter(event -> billId.equals(event.getJsonObject("data").getString("billId"))).toList();
  }

  protected static List<String> types(List<JsonObject> events) {
    return events.stream().map(event -> event.getString("type")).toList();
  }

  /** Completes once every event the feed shows has reached the receiver: the outbox has nothing left to send. */
  protected Future<List<JsonObject>> allEventsDelivered() {
    Promise<List<JsonObject>> settled = Promise.promise();
    until("every event in the feed reached the receiver", () -> feed().map(events -> {
      boolean all = !events.isEmpty()
          && receiver.distinctIds().containsAll(events.stream().map(event -> event.getString("id")).toList());
      if (all) {
        settled.tryComplete(events);
      }
      return all;
    })).onFailure(settled::tryFail);
    return settled.future();
  }

  /**
   * What the gateway recorded about a bill's notifications (the inbox is not part of any API; reading it
   * is how the test tells which notifications were applied and which absorbed).
   */
  protected Future<List<String>> verdicts(String billId) {
    return gateway.running().services().pool()
        .preparedQuery("SELECT verdict FROM notification_inbox WHERE bill_id = $1 ORDER BY id")
        .execute(Tuple.of(billId))
        .map(rows -> {
          List<String> verdicts = new ArrayList<>();
          rows.forEach(row -> verdicts.add(row.getString(0)));
          return verdicts;
        });
  }

  protected Future<Long> sandboxNotifications(String outcome) {
    return sandbox.stats().map(stats -> stats.getJsonObject("notifications").getLong(outcome, 0L));
  }

  /** Re-checks on Vert.x timers until the condition holds; fails after {@link #PATIENCE}. */
  protected Future<Void> until(String what, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    check(what, condition, System.nanoTime() + PATIENCE.toNanos(), done);
    return done.future();
  }

  private void check(String what, Supplier<Future<Boolean>> condition, long deadline, Promise<Void> done) {
    condition.get().onComplete(result -> {
      if (result.succeeded() && result.result()) {
        done.complete();
      } else if (System.nanoTime() - deadline > 0) {
        done.fail(new AssertionError("gave up waiting until " + what, result.cause()));
      } else {
        vertx.setTimer(25, id -> check(what, condition, deadline, done));
      }
    });
  }
}
