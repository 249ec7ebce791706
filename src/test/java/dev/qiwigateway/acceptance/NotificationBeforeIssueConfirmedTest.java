package dev.qiwigateway.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.acceptance.MarketplaceReceiver.Delivery;
import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.testing.MerchantApi;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * QIWI's own sandbox in the test, notifications switched off (the test sends the one that matters), and
 * between the gateway and QIWI a link that holds QIWI's answer to one issue request.
 */
@DisplayName("A notification for a bill not yet known as issued is not acknowledged as success and schedules a status check")
class NotificationBeforeIssueConfirmedTest extends AcceptanceTestBase {

  private static final String BILL = "early-1";

  private SandboxVerticle qiwiSandbox;
  private SlowIssueAnswers link;

  @BeforeEach
  void startQiwi(Vertx vertx, VertxTestContext ctx) {
    qiwiSandbox = new SandboxVerticle(SandboxSettings.defaults(TestSecrets.sandboxCredentials()));
    vertx.deployVerticle(qiwiSandbox)
        .compose(deployed -> SlowIssueAnswers.start(vertx, qiwiSandbox.actualPort(), BILL))
        .onComplete(ctx.succeeding(started -> {
          link = started;
          ctx.completeNow();
        }));
  }

  @AfterEach
  void stopQiwi(Vertx vertx, VertxTestContext ctx) {
    link.close().eventually(() -> vertx.undeploy(qiwiSandbox.deploymentID())).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The first status check of an issued bill comes an hour after its issue, and QIWI sends no
   * notification on its own: within the test, only a check the notification asked for can find the payment.
   */
  private JsonObject settings() {
    return new JsonObject()
        .put("QIWI_BASE_URL", link.baseUrl())
        .put("QIWI_PAY_URL", qiwiSandbox.payUrl())
        .put("QIWI_TIMEOUT_MS", "15000")
        .put("POLL_INTERVAL_MS", "50")
        .put("POLL_BILL_FIRST_DELAY_MS", "3600000")
        .put("POLL_BILL_MAX_INTERVAL_MS", "3600000");
  }

  @Test
  @DisplayName("a payment notified while QIWI's answer to the issue is still on its way gets 503 {\"error\":13} "
      + "and no bill; once the issue is confirmed the bill is checked at QIWI at once and announced paid")
  void paymentBeforeIssueConfirmed(VertxTestContext ctx) {
    AtomicReference<Future<HttpResponse<Buffer>>> created = new AtomicReference<>();
    startGateway(settings())
        .compose(started -> {
          created.set(api.post("/v1/bills", "issue-" + BILL, MerchantApi.bill(BILL, "40.00")));
          return until("QIWI has the bill", () -> sandbox.bill(BILL).map(bill -> bill != null));
        })
        .compose(atQiwi -> sandbox.pay(BILL))
        .compose(paid -> qiwi.send(BILL, "paid", "40.00"))
        .compose(early -> {
          ctx.verify(() -> {
            assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(503);
            assertThat(QiwiNotifier.resultCode(early)).isEqualTo(13);
          });
          return api.get("/v1/bills/" + BILL);
        })
        .compose(unconfirmed -> {
          ctx.verify(() -> assertThat(unconfirmed.statusCode()).as("a bill not confirmed is not shown").isEqualTo(404));
          link.release();
          return created.get();
        })
        .compose(issued -> {
          ctx.verify(() -> {
            assertThat(issued.statusCode()).as(issued.bodyAsString()).isEqualTo(201);
            // QIWI answered the issue before the payment: the gateway records it waiting.
            assertThat(issued.bodyAsJsonObject().getString("status")).isEqualTo("waiting");
          });
          return until("the bill is paid without a refresh", () -> bill(BILL)
              .map(bill -> "paid".equals(bill.getString("status"))));
        })
        .compose(paid -> allEventsDelivered())
        .compose(feed -> {
          ctx.verify(() -> {
            assertThat(types(eventsOf(feed, BILL))).containsExactly("bill.waiting", "bill.paid");
            assertThat(receiver.of(BILL)).extracting(Delivery::type).containsExactly("bill.waiting", "bill.paid");
          });
          return Future.all(verdicts(BILL), sandbox.stats());
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<List<String>>resultAt(0)).containsExactly("unknown_bill");
          JsonObject statusChecks = seen.<JsonObject>resultAt(1).getJsonObject("requests").getJsonObject("status");
          assertThat(statusChecks).as("the gateway asked QIWI for the bill's status").isNotNull();
          ctx.completeNow();
        })));
  }
}
