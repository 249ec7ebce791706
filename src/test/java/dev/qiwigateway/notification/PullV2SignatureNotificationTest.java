package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.FormCodec;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.testing.QiwiNotifications;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** pull-v2 in signature mode, with the document's notification password so its vector applies verbatim. */
@DisplayName("pull-v2 notifications signed with the notification password are verified and answered in XML")
class PullV2SignatureNotificationTest extends NotificationTestBase {

  private static final String PASSWORD = "test";
  private static final String VECTOR_BODY = "bill_id=BILL-1&status=paid&error=0&amount=1.00&user=tel%3A%2B79031811737"
      + "&prv_name=TEST&ccy=RUB&comment=%D0%A2%D0%B5%D1%81%D1%82&command=bill";
  private static final String VECTOR_SIGNATURE = "p0K+HpuQzd08lydr365EL6AotJc=";

  @Override
  protected JsonObject settings() {
    return super.settings().put("QIWI_DIALECT", "pull-v2").put("QIWI_NOTIFY_AUTH", "signature")
        .put("QIWI_NOTIFY_PASSWORD", PASSWORD);
  }

  @Override
  protected QiwiCredentials credentials() {
    return QiwiCredentials.of(TestSecrets.PRV_ID, TestSecrets.API_ID, TestSecrets.API_SECRET, PASSWORD);
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> fields = new LinkedHashMap<>(QiwiSender.pullV2("sig-1", "paid", "10.00"));
    if (value == null) {
      fields.remove(name);
    } else {
      fields.put(name, value);
    }
    return fields;
  }

  private static void assertAnswer(HttpResponse<Buffer> response, int httpStatus, int code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(httpStatus);
    assertThat(QiwiSender.pullV2Code(response)).isEqualTo(code);
  }

  @Test
  @DisplayName("the documented pull-v2 notification, verbatim with its signature, pays the bill and is answered with result_code 0")
  void documentedVector(VertxTestContext ctx) {
    ctx.verify(() -> assertThat(NotificationAuthenticator.Signer.signedString(QiwiDialect.PULL_V2, FormCodec.decode(VECTOR_BODY)))
        .isEqualTo("1.00|BILL-1|RUB|bill|Тест|0|TEST|paid|tel:+79031811737"));
    issue("BILL-1", "1.00")
        .compose(issued -> qiwi.send(VECTOR_BODY, QiwiSender.FORM, Map.of("X-Api-Signature", VECTOR_SIGNATURE)))
        .compose(answer -> {
          ctx.verify(() -> {
            assertAnswer(answer, 200, 0);
            assertThat(answer.getHeader("Content-Type")).isEqualTo("text/xml");
            assertThat(answer.bodyAsString())
                .isEqualTo("<?xml version=\"1.0\"?><result><result_code>0</result_code></result>");
          });
          return Future.all(statusOf("BILL-1"), events("BILL-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting", "bill.paid");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a bill paid at the pull-v2 sandbox becomes paid here through its signed notification, once")
  void sandboxPaymentArrives(VertxTestContext ctx) {
    issue("pay-2", "99.00")
        .compose(issued -> sandbox.pay("pay-2"))
        .compose(paid -> awaitStatus("pay-2", "paid"))
        .compose(bill -> eventually("the sandbox to see its notification acknowledged",
            () -> sandbox.acknowledgedNotifications("pay-2").map(n -> n >= 1 ? n : null)))
        .compose(acknowledged -> Future.all(events("pay-2"), verdicts("pay-2")))
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<List<String>>resultAt(0)).containsExactly("bill.waiting", "bill.paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("applied");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("bad or missing signatures get 151, malformed bodies and disagreeing amounts 5, unknown bills 13; the bill stays waiting")
  void refusals(VertxTestContext ctx) {
    Map<String, String> paid = with("status", "paid");
    issue("sig-1", "10.00")
        .compose(issued -> qiwi.send(FormCodec.encode(paid), QiwiSender.FORM,
            Map.of("X-Api-Signature", QiwiNotifications.pullV2Signature("wrong", paid))))
        .compose(badSignature -> {
          ctx.verify(() -> assertAnswer(badSignature, 401, 151));
          return qiwi.sendPullV2Basic(paid);
        })
        .compose(basicInstead -> {
          ctx.verify(() -> assertAnswer(basicInstead, 401, 151));
          return qiwi.sendPullV2Signed(with("command", null));
        })
        .compose(noCommand -> {
          ctx.verify(() -> assertAnswer(noCommand, 400, 5));
          return qiwi.sendPullV2Signed(with("ccy", null));
        })
        .compose(noCurrency -> {
          ctx.verify(() -> assertAnswer(noCurrency, 400, 5));
          return qiwi.sendPullV2Signed(with("amount", "ten"));
        })
        .compose(badAmount -> {
          ctx.verify(() -> assertAnswer(badAmount, 400, 5));
          return qiwi.sendPullV2Signed(with("ccy", "EUR"));
        })
        .compose(otherCurrency -> {
          ctx.verify(() -> assertAnswer(otherCurrency, 400, 5));
          return qiwi.sendPullV2Signed(with("amount", "9.99"));
        })
        .compose(otherAmount -> {
          ctx.verify(() -> assertAnswer(otherAmount, 400, 5));
          return qiwi.send(new JsonObject(new LinkedHashMap<>(paid)).encode(), "application/json",
              Map.of("X-Api-Signature", qiwi.pullV2Signature(paid)));
        })
        .compose(json -> {
          ctx.verify(() -> assertAnswer(json, 400, 5));
          return qiwi.sendPullV2Signed(QiwiSender.pullV2("ghost-2", "paid", "10.00"));
        })
        .compose(unknown -> {
          ctx.verify(() -> assertAnswer(unknown, 503, 13));
          return Future.all(statusOf("sig-1"), events("sig-1"), verdicts("sig-1"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("waiting");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("bill.waiting");
          assertThat(seen.<List<String>>resultAt(2)).containsExactly("mismatch", "mismatch");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a signed notification that follows QIWI's parameter table, without error or prv_name, pays the bill")
  void withoutErrorOrProviderName(VertxTestContext ctx) {
    Map<String, String> paid = new LinkedHashMap<>(QiwiSender.pullV2("sig-table", "paid", "10.00"));
    paid.remove("error");
    paid.remove("prv_name");
    issue("sig-table", "10.00")
        .compose(issued -> qiwi.sendPullV2Signed(paid))
        .compose(answer -> {
          ctx.verify(() -> assertAnswer(answer, 200, 0));
          return Future.all(statusOf("sig-table"), verdicts("sig-table"));
        })
        .onComplete(ctx.succeeding(seen -> ctx.verify(() -> {
          assertThat(seen.<String>resultAt(0)).isEqualTo("paid");
          assertThat(seen.<List<String>>resultAt(1)).containsExactly("applied");
          ctx.completeNow();
        })));
  }
}
