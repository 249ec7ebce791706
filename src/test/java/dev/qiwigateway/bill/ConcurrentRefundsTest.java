package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two gateway instances on one database, as two replicas behind a load balancer. */
class ConcurrentRefundsTest extends GatewayTestBase {

  private GatewayHarness.TestGateway second;
  private MerchantApi secondApi;

  @BeforeEach
  void startSecondReplica(Vertx vertx, VertxTestContext ctx) {
    JsonObject settings = GatewayHarness.settings("replica-b")
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
    second.close().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("20 concurrent refunds through two replicas never add up to more than the bill")
  void refundsNeverExceedTheBill(VertxTestContext ctx) {
    api.post("/v1/bills", "bill-key", MerchantApi.bill("shared-1", "100.00"))
        .compose(created -> sandbox.pay("shared-1"))
        .compose(paid -> secondApi.get("/v1/bills/shared-1?refresh=true"))
        .compose(refreshed -> {
          ctx.verify(() -> assertThat(refreshed.bodyAsJsonObject().getString("status")).isEqualTo("paid"));
          List<Future<HttpResponse<Buffer>>> refunds = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            MerchantApi replica = i % 2 == 0 ? api : secondApi;
            refunds.add(replica.post("/v1/bills/shared-1/refunds", "refund-key-" + i,
                new JsonObject().put("refundId", "r" + i).put("amount", "7.00")));
          }
          return Future.all(refunds).map(all -> refunds);
        })
        .compose(refunds -> {
          ctx.verify(() -> {
            int accepted = 0;
            for (Future<HttpResponse<Buffer>> refund : refunds) {
              HttpResponse<Buffer> response = refund.result();
              if (response.statusCode() == 201) {
                accepted++;
              } else {
                assertProblem(response, 422, "refund_exceeds_paid");
              }
            }
            assertThat(accepted).isEqualTo(14);
          });
          return db().query("SELECT coalesce(sum(amount), 0) FROM refund WHERE bill_id = 'shared-1' "
              + "AND request_state <> 'refused' AND status <> 'fail'").execute();
        })
        .compose(rows -> {
          ctx.verify(() -> assertThat(rows.iterator().next().getBigDecimal(0)).isEqualByComparingTo(new BigDecimal("98.00")));
          return sandbox.bill("shared-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getJsonArray("refunds")).hasSize(14);
          ctx.completeNow();
        })));
  }
}
