package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("rest-v3 notifications move a bill once, through the arbiter, and are acknowledged only when committed")
class RestV3NotificationTest extends NotificationTestBase {

  /** The documented bodies (docs/qiwi.md#notifications), naming the harness's shop instead of the document's 2042. */
  private static final String PAID_VECTOR = "prv_id=" + TestSecrets.PRV_ID + "&bill_id=BILL-1&status=paid&error=0"
      + "&amount=1.00&phone=tel%3A%2B79031811737&payment_date=2017-03-01T19%3A00%3A00&currency=RUB&comment=test&version=1";
  private static final String REJECTED_VECTOR = "prv_id=" + TestSecrets.PRV_ID + "&bill_id=order-1842&status=rejected"
      + "&error=0&amount=1499.00&email=buyer%40example.com&user_id=u-77&currency=RUB"
      + "&comment=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7&version=1&extra_note=x";

  private Future<HttpResponse<Buffer>> sendSigned(String rawBody) {
    Map<String, String> fields = FormCodec.decode(rawBody);
    return qiwi.send(rawBody, QiwiSender.FORM, Map.of("X-Api-Signature", qiwi.restV3Signature(fields)));
  }

  private static void assertAccepted(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsString()).isEqualTo("{\"error\":0}");
  }

  @Test
  @DisplayName("both documented rest-v3 notifications are accepted: one pays its bill, the other rejects its bill")
  void documentedVectors(VertxTestContext ctx) {
    ctx.verify(() -> {
      assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.REST_V3, FormCodec.decode(PAID_VECTOR)))
          .isEqualTo("1.00|BILL-1|RUB|0|tel:+79031811737|" + TestSecrets.PRV_ID + "|paid");
      assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.REST_V3, FormCodec.decode(REJECTED_VECTOR)))
          .isEqualTo("1499.00|order-1842|RUB|buyer@example.com|0|" + TestSecrets.PRV_ID + "|rejected|u-77");
    });
    issue("BILL-1", "1.00")
        .compose(first -> issue("order-1842", "1499.00"))
        .compose(issued -> sendSigned(PAID_VECTOR))
        .compose(paid -> {
          ctx.verify(() -> assertAccepted(paid));
          return sendSigned(REJECTED_VECTOR);
        })
        .compose(rejected -> {
          ctx.verify(() -> assertAccepted(rejected));
          return Future.all(statusOf("BILL-1"), statusOf("order-1842"), events("BILL-1"), events("order-1842"));
        })
        .compose(seen -> {
          ctx.verify(() -> {
            assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
            assertThat(seen.<String>resultAt(1)).isEqualTo("rejected");
            assertThat(seen.<List<String>>resultAt(2)).containsExactly("bill.waiting", "bill.paid");
            assertThat(seen.<List<String>>resultAt(3)).containsExactly("bill.waiting", "bill.rejected");
          });
          return Future.all(verdicts("BILL-1"), verdicts("order-1842"));
        })
        .onComplete(ctx.succeeding(recorded -> ctx.verify(() -> {
          assertThat(recorded.<List<String>>resultAt(0)).containsExactly("applied");
          assertThat(recorded.<List<String>>resultAt(1)).containsExactly("applied");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill paid at QIWI becomes paid here through QIWI's own notification, with exactly one bill.paid event")
  void sandboxPaymentArrives(VertxTestContext ctx) {
    issue("pay-1", "250.00")
        .compose(issued -> sandbox.pay("pay-1"))
        .compose(paid -> awaitStatus("pay-1", "paid"))
        .compose(bill -> eventually("the sandbox to see its notification acknowledged",
            () -> sandbox.acknowledgedNotifications("pay-1").map(n -> n >= 1 ? n : null)))
        .compose(acknowledged -> Future.all(events("pay-1"), verdicts("pay-1")))
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<List<String>>resultAt(0)).containsExactly("bill.waiting", "bill.paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("applied");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the same notification sent 20 times, ten of them at once, makes one transition and one event, all acknowledged")
  void twentyCopies(VertxTestContext ctx) {
    Map<String, String> paid = QiwiSender.restV3("dup-1", "paid", "10.00");
    List<HttpResponse<Buffer>> answers = Collections.synchronizedList(new ArrayList<>());
    issue("dup-1", "10.00")
        .compose(issued -> {
          List<Future<HttpResponse<Buffer>>> together = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            together.add(qiwi.sendRestV3(paid).onSuccess(answers::add));
          }
          return Future.all(together);
        })
        .compose(together -> {
          Future<HttpResponse<Buffer>> oneAfterAnother = Future.succeededFuture();
          for (int i = 0; i < 10; i++) {
            oneAfterAnother = oneAfterAnother.compose(previous -> qiwi.sendRestV3(paid).onSuccess(answers::add));
          }
          return oneAfterAnother;
        })
        .compose(last -> Future.all(statusOf("dup-1"), events("dup-1"), verdicts("dup-1")))
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(answers).hasSize(20).allSatisfy(RestV3NotificationTest::assertAccepted);
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting", "bill.paid");
          List<String> verdicts = seen.resultAt(2);
          assertThat(verdicts).hasSize(20);
          assertThat(verdicts).filteredOn("applied"::equals).hasSize(1);
          assertThat(verdicts).filteredOn("duplicate"::equals).hasSize(19);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a waiting or rejected notification after the payment is acknowledged, changes nothing and is recorded stale")
  void staleAfterPaid(VertxTestContext ctx) {
    issue("late-1", "10.00")
        .compose(issued -> qiwi.sendRestV3(QiwiSender.restV3("late-1", "paid", "10.00")))
        .compose(paid -> qiwi.sendRestV3(QiwiSender.restV3("late-1", "waiting", "10.00")))
        .compose(waiting -> {
          ctx.verify(() -> assertAccepted(waiting));
          return qiwi.sendRestV3(QiwiSender.restV3("late-1", "rejected", "10.00"));
        })
        .compose(rejected -> {
          ctx.verify(() -> assertAccepted(rejected));
          return qiwi.sendRestV3(QiwiSender.restV3("late-1", "paid", "10"));
        })
        .compose(again -> {
          ctx.verify(() -> assertAccepted(again));
          return Future.all(statusOf("late-1"), events("late-1"), verdicts("late-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting", "bill.paid");
          assertThat(seen.<List<String>>resultAt(2)).containsExactly("applied", "stale", "stale", "duplicate");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("QIWI's duplicated and out-of-order deliveries through the sandbox leave one transition and one event")
  void sandboxDuplicatesAndStaleReplays(VertxTestContext ctx) {
    issue("noisy-1", "42.00")
        .compose(issued -> sandbox.fault(new JsonObject().put("fault", "duplicates").put("copies", 4).put("count", 1)))
        .compose(rule -> sandbox.fault(new JsonObject().put("fault", "outOfOrder").put("holdMs", 0).put("count", 1)))
        .compose(rule -> sandbox.pay("noisy-1"))
        .compose(paid -> eventually("every copy and the stale replay to be recorded",
            () -> verdicts("noisy-1").map(verdicts -> verdicts.size() >= 5 ? verdicts : null)))
        .compose(verdicts -> {
          ctx.verify(() -> {
            assertThat(verdicts).hasSize(5);
            assertThat(verdicts).filteredOn("applied"::equals).hasSize(1);
            assertThat(verdicts).filteredOn("duplicate"::equals).hasSize(3);
            assertThat(verdicts).filteredOn("stale"::equals).hasSize(1);
          });
          return Future.all(statusOf("noisy-1"), events("noisy-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting", "bill.paid");
          ctx.completeNow();
        })));
  }
}
