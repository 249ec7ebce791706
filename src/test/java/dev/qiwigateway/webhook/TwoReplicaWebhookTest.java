package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two gateway instances on one database, both delivering webhooks to one receiver. */
class TwoReplicaWebhookTest extends WebhookTestBase {

  private static final int BILLS = 10;

  private GatewayHarness.TestGateway second;
  private MerchantApi secondApi;

  @BeforeEach
  void startSecondReplica(Vertx vertx, VertxTestContext ctx) {
    JsonObject settings = webhookSettings(GatewayHarness.settings("webhook-replica-b"))
        .put("PG_URL", gateway.running().services().config().database().url())
        .put("QIWI_BASE_URL", gateway.running().services().config().qiwi().baseUrl())
        .put("QIWI_PAY_URL", gateway.running().services().config().qiwi().payUrl());
    GatewayHarness.start(settings).onComplete(ctx.succeeding(started -> {
      second = started;
      secondApi = MerchantApi.of(vertx, started.running().httpPort());
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopSecondReplica(VertxTestContext ctx) {
    (second == null ? Future.<Void>succeededFuture() : second.close()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("two replicas deliver every event of 10 paid bills exactly once, never the same one at the same time")
  void eachEventDeliveredOnce(VertxTestContext ctx) {
    // A slow receiver: without leases both replicas would find the same due events while one is in flight.
    receiver.answerAfter(100);
    List<Future<Void>> bills = new ArrayList<>();
    for (int i = 0; i < BILLS; i++) {
      bills.add(issueAndPay(i % 2 == 0 ? api : secondApi, "twin-" + i));
    }
    Future.all(bills)
        .compose(v -> eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 2L * BILLS))
        .compose(v -> db().query("SELECT id FROM event").execute())
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          Set<String> stored = new HashSet<>();
          for (Row row : rows) {
            stored.add(row.getString("id"));
          }
          List<WebhookReceiver.Request> requests = receiver.requests();
          assertThat(stored).hasSize(2 * BILLS);
          assertThat(receiver.distinctDeliveredIds()).containsExactlyInAnyOrderElementsOf(stored);
          assertThat(requests).as("deliveries in total").hasSize(2 * BILLS);
          assertThat(receiver.overlaps()).as("concurrent deliveries of one event").isZero();
          for (int i = 0; i < BILLS; i++) {
            WebhookDeliveryTest.assertInOrder(requests, "twin-" + i);
          }
          double recorded = deliveries(registry(), "delivered") + deliveries(second.running().services().registry(),
              "delivered");
          assertThat(recorded).isEqualTo(2.0 * BILLS);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a replica stopped in the middle of deliveries leaves no event stuck: the other one delivers the rest")
  void stoppedReplicaLeavesNothingStuck(VertxTestContext ctx) {
    receiver.answerAfter(200);
    List<Future<Void>> bills = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      bills.add(issueAndPay(i % 2 == 0 ? api : secondApi, "stop-" + i));
    }
    Future.all(bills)
        .compose(v -> receiver.await(requests -> !requests.isEmpty()))
        .compose(v -> second.close())
        .compose(v -> {
          second = null;
          // Leases last 2 × timeout + 30 s: a lease left behind would hold its event far beyond this wait.
          return eventuallyCount("SELECT count(*) FROM event WHERE delivery_state = 'delivered'", 8);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(receiver.distinctDeliveredIds()).hasSize(8);
          assertThat(receiver.overlaps()).isZero();
          ctx.completeNow();
        })));
  }
}
