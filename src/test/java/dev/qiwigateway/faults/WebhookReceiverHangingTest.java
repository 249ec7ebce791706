package dev.qiwigateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.SandboxAdmin;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The marketplace's endpoint takes the webhook of one bill and never answers. Its attempts must time
 * out and be retried without holding up the events of other bills, and once the endpoint answers again
 * every event arrives, once, in order per bill. (A receiver that answers 500, and dead events, are
 * covered by the webhook package's tests.)
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A webhook receiver that hangs on one bill's events delays that bill only")
class WebhookReceiverHangingTest {

  private static final int TIMEOUT_MS = 200;
  /** More attempts than a default HTTP client keeps connections per host: leaked connections would block bill B. */
  private static final int HUNG_ATTEMPTS_BEFORE_B = 8;

  private HangingWebhookReceiver receiver;
  private GatewayHarness.TestGateway gateway;
  private MerchantApi api;
  private SandboxAdmin sandbox;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    receiver = new HangingWebhookReceiver(vertx);
    receiver.start()
        .compose(listening -> GatewayHarness.start(GatewayHarness.settings(getClass().getSimpleName())
            .put("WEBHOOK_URL", listening.url())
            .put("WEBHOOK_SECRET", TestSecrets.WEBHOOK_SECRET)
            .put("WEBHOOK_TIMEOUT_MS", Integer.toString(TIMEOUT_MS))
            .put("WEBHOOK_POLL_MS", "20")
            .put("WEBHOOK_RETRY_BASE_MS", "20")
            .put("WEBHOOK_RETRY_MAX_MS", "100")))
        .onComplete(ctx.succeeding(started -> {
          gateway = started;
          api = MerchantApi.of(vertx, started.running().httpPort());
          sandbox = new SandboxAdmin(vertx, started.running().services().config().qiwi().baseUrl());
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close())
        .eventually(() -> receiver.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("bill A's hanging webhook times out and is retried, bill B's events are delivered meanwhile, and after healing A's arrive in order, once each")
  void hangingDeliveryDelaysOnlyItsBill(Vertx vertx, VertxTestContext ctx) {
    receiver.hang("hook-a");
    issueAndPay("hook-a")
        .compose(paid -> receiver.await("bill A's webhook is attempted " + HUNG_ATTEMPTS_BEFORE_B + " times",
            all -> hung(all, "hook-a") >= HUNG_ATTEMPTS_BEFORE_B))
        .compose(attempts -> {
          ctx.verify(() -> assertThat(attempts.stream().filter(a -> a.billId().equals("hook-a"))
                  .map(HangingWebhookReceiver.Attempt::type).distinct().toList())
              .as("bill.paid of A waits behind its hanging bill.waiting").containsExactly("bill.waiting"));
          return pendingEvent("hook-a", "bill.waiting");
        })
        .compose(waiting -> {
          ctx.verify(() -> {
            assertThat(waiting.getString("last_error")).isEqualTo("timeout after " + TIMEOUT_MS + " ms");
            assertThat(waiting.getInteger("attempts")).isGreaterThanOrEqualTo(HUNG_ATTEMPTS_BEFORE_B);
          });
          return issueAndPay("hook-b");
        })
        .compose(paid -> receiver.await("bill B's events are delivered", all -> delivered(all, "hook-b").size() == 2))
        .compose(attempts -> {
          ctx.verify(() -> {
            assertThat(delivered(attempts, "hook-b")).containsExactly("bill.waiting", "bill.paid");
            assertThat(delivered(attempts, "hook-a")).as("A still hangs").isEmpty();
            assertThat(receiver.openHung()).as("timed-out attempts still holding a connection").isLessThanOrEqualTo(1);
          });
          receiver.heal();
          return receiver.await("bill A's events are delivered", all -> delivered(all, "hook-a").size() == 2);
        })
        .compose(attempts -> {
          ctx.verify(() -> {
            assertThat(delivered(attempts, "hook-a")).containsExactly("bill.waiting", "bill.paid");
            List<String> deliveredIds = attempts.stream().filter(HangingWebhookReceiver.Attempt::answered)
                .map(HangingWebhookReceiver.Attempt::webhookId).toList();
            assertThat(deliveredIds).as("each event delivered once").hasSize(4).doesNotHaveDuplicates();
          });
          return Eventually.until(vertx, "the outbox records all four deliveries",
              () -> count("SELECT count(*) FROM event WHERE delivery_state = 'delivered'").map(n -> n == 4));
        })
        .compose(recorded -> count("SELECT count(*) FROM event"))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).isEqualTo(4);
          ctx.completeNow();
        })));
  }

  /** Issues a bill, pays it at the sandbox and lets the gateway learn it (GET ?refresh=true). */
  private Future<Void> issueAndPay(String billId) {
    return api.post("/v1/bills", "key-" + billId, MerchantApi.bill(billId, "100.00"))
        .compose(created -> {
          assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
          return sandbox.pay(billId);
        })
        .compose(paid -> api.get("/v1/bills/" + billId + "?refresh=true"))
        .map(refreshed -> {
          assertThat(refreshed.bodyAsJsonObject().getString("status")).isEqualTo("paid");
          return null;
        });
  }

  private static long hung(List<HangingWebhookReceiver.Attempt> attempts, String billId) {
    return attempts.stream().filter(a -> a.billId().equals(billId) && !a.answered()).count();
  }

  private static List<String> delivered(List<HangingWebhookReceiver.Attempt> attempts, String billId) {
    return attempts.stream().filter(a -> a.billId().equals(billId) && a.answered())
        .map(HangingWebhookReceiver.Attempt::type).toList();
  }

  private Future<JsonObject> pendingEvent(String billId, String type) {
    return gateway.running().services().pool()
        .preparedQuery("SELECT delivery_state, attempts, last_error FROM event WHERE bill_id = $1 AND type = $2")
        .execute(Tuple.of(billId, type))
        .map(rows -> {
          Row row = rows.iterator().next();
          assertThat(row.getString("delivery_state")).isEqualTo("pending");
          return row.toJson();
        });
  }

  private Future<Long> count(String sql) {
    return gateway.running().services().pool().query(sql).execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
