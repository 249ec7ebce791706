package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("With QIWI_NOTIFY_ALLOW_IPS set, only notifications from the listed networks are taken")
class NotificationAllowListTest {

  private GatewayHarness.TestGateway gateway;

  @AfterEach
  void stop(VertxTestContext ctx) {
    (gateway == null ? Future.<Void>succeededFuture() : gateway.close()).onComplete(ctx.succeedingThenComplete());
  }

  /** Starts a gateway with the allow-list, issues bill-1 and sends QIWI's signed paid notification for it. */
  private Future<HttpResponse<Buffer>> notifyThrough(Vertx vertx, String allowList) {
    return GatewayHarness.start(GatewayHarness.settings("allow-list").put("QIWI_NOTIFY_ALLOW_IPS", allowList))
        .compose(started -> {
          gateway = started;
          return MerchantApi.of(vertx, started.running().httpPort()).post("/v1/bills", "k1", MerchantApi.bill("bill-1", "10.00"));
        })
        .compose(created -> QiwiSender.of(vertx, gateway.running().httpPort())
            .sendRestV3(QiwiSender.restV3("bill-1", "paid", "10.00")));
  }

  private Future<String> status(Vertx vertx) {
    return MerchantApi.of(vertx, gateway.running().httpPort()).get("/v1/bills/bill-1")
        .map(read -> read.bodyAsJsonObject().getString("status"));
  }

  @Test
  @DisplayName("a correctly signed notification from 127.0.0.1, outside QIWI's networks, is refused with 403 and 150")
  void foreignSourceRefused(Vertx vertx, VertxTestContext ctx) {
    notifyThrough(vertx, "91.232.230.0/23,79.142.16.0/20")
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(QiwiSender.restV3Code(answer)).isEqualTo(150);
          });
          return QiwiSender.of(vertx, gateway.running().httpPort()).send("{}", "application/json", java.util.Map.of());
        })
        .compose(malformed -> {
          // A foreign source learns nothing about its body: the source is refused before the body is read.
          ctx.verify(() -> assertThat(malformed.statusCode()).isEqualTo(403));
          return status(vertx);
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the same notification is taken when its source network is listed")
  void listedSourceAccepted(Vertx vertx, VertxTestContext ctx) {
    notifyThrough(vertx, "91.232.230.0/23,127.0.0.0/8")
        .compose(answer -> {
          ctx.verify(() -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(QiwiSender.restV3Code(answer)).isZero();
          });
          return status(vertx);
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo("paid");
          ctx.completeNow();
        })));
  }
}
