package dev.qiwigateway.qiwi;

import static dev.qiwigateway.qiwi.QiwiFixtures.API_SECRET;
import static dev.qiwigateway.qiwi.QiwiFixtures.BASIC;
import static dev.qiwigateway.qiwi.QiwiFixtures.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.domain.RefundStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How the client reads QIWI's answers, refusals and silences (docs/qiwi.md#responses-and-result-codes) over real HTTP. */
@ExtendWith(VertxExtension.class)
class QiwiClientAnswerTest {

  private FakeQiwi fake;
  private QiwiClient client;

  @BeforeEach
  void startFakeQiwi(Vertx vertx, VertxTestContext ctx) {
    FakeQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      fake = started;
      client = QiwiFixtures.client(vertx, fake, QiwiDialect.REST_V3, QiwiCallGuard.direct(),
          new SimpleMeterRegistry(), 10_000);
      ctx.completeNow();
    }));
  }

  private static <T> void expectFailure(Future<T> call, VertxTestContext ctx, Consumer<QiwiException> check) {
    call.onComplete(ctx.failing(failure -> ctx.verify(() -> {
      assertThat(failure).isInstanceOf(QiwiException.class);
      QiwiException qiwi = (QiwiException) failure;
      check.accept(qiwi);
      assertThat(qiwi.getMessage())
          .doesNotContain(SECRET_KEY).doesNotContain(API_SECRET).doesNotContain(BASIC.substring(6));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the documented bill answer becomes a waiting bill of 10.00 RUB, extra fields ignored")
  void documentedBillAnswer(VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.BILL_ANSWER);

    client.billStatus("BILL-1").onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      assertThat(bill).isEqualTo(new QiwiBill("BILL-1", new BigDecimal("10.00"), "RUB", BillStatus.WAITING, 0,
          "tel:+79031234567", "test"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("the documented refund answer becomes a processing refund of 5.00")
  void documentedRefundAnswer(VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.REFUND_ANSWER);

    client.refundStatus("BILL-1", "REF1").onComplete(ctx.succeeding(refund -> ctx.verify(() -> {
      assertThat(refund).isEqualTo(
          new QiwiRefund("REF1", new BigDecimal("5.00"), RefundStatus.PROCESSING, 0, "tel:+79031234567"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("result codes and errors sent as numeric strings, short amounts and unknown fields are all accepted")
  void tolerantBillAnswer(VertxTestContext ctx) {
    fake.answers(200, """
        {"future":{"x":[1,2]},"response":{"result_code":"0","trace":"abc","bill":{"bill_id":"BILL-1",
        "amount":"10","ccy":"RUB","status":"expired","error":"0","newField":{"a":true}}}}""");

    client.billStatus("BILL-1").onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      assertThat(bill).isEqualTo(
          new QiwiBill("BILL-1", new BigDecimal("10.00"), "RUB", BillStatus.EXPIRED, 0, null, null));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a bill answer carries QIWI's own error code for the bill")
  void billErrorCodeIsKept(VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.BILL_ANSWER.replace("\"error\":0", "\"error\":\"300\"")
        .replace("waiting", "unpaid"));

    client.billStatus("BILL-1").onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      assertThat(bill.status()).isEqualTo(BillStatus.UNPAID);
      assertThat(bill.error()).isEqualTo(300);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("bad credentials answered with HTTP 401 and code 150 are a final refusal that needs an operator")
  void authorizationFailure(VertxTestContext ctx) {
    fake.answers(401, QiwiFixtures.AUTH_FAILED_ANSWER);

    expectFailure(client.billStatus("BILL-1"), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.Rejection.class);
      QiwiException.Rejection rejection = (QiwiException.Rejection) failure;
      assertThat(rejection.resultCode()).isEqualTo(150);
      assertThat(rejection.needsOperator()).isTrue();
      assertThat(rejection.retryable()).isFalse();
      assertThat(rejection.operation()).isEqualTo(QiwiOperation.BILL_STATUS);
      assertThat(rejection.getMessage()).contains("150");
    });
  }

  @Test
  @DisplayName("an HTTP 401 without a QIWI body is read as the authorization refusal 150, not retried")
  void bare401IsAnAuthorizationRefusal(VertxTestContext ctx) {
    fake.answersHtml(401, "<html>Unauthorized</html>");

    expectFailure(client.billStatus("BILL-1"), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.Rejection.class);
      assertThat(((QiwiException.Rejection) failure).resultCode()).isEqualTo(150);
    });
  }

  @ParameterizedTest(name = "result code {0}")
  @CsvSource({"210,false", "215,false", "242,false", "5,false", "78,false", "1419,false", "150,true", "155,true",
      "339,true", "4242,true"})
  @DisplayName("a final result code is a rejection carrying the code, flagged for an operator when the integration is at fault")
  void finalResultCodes(int code, boolean needsOperator, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.resultCodeAnswer(code));

    expectFailure(client.issueBill(QiwiFixtures.order1842("order-1842")), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.Rejection.class);
      QiwiException.Rejection rejection = (QiwiException.Rejection) failure;
      assertThat(rejection.resultCode()).isEqualTo(code);
      assertThat(rejection.needsOperator()).isEqualTo(needsOperator);
      assertThat(rejection.retryable()).isFalse();
      assertThat(rejection.operation()).isEqualTo(QiwiOperation.ISSUE_BILL);
      assertThat(rejection.getMessage()).startsWith("issue_bill: ").contains(String.valueOf(code));
    });
  }

  @ParameterizedTest(name = "result code {0}")
  @CsvSource({"13,false", "300,false", "1003,false", "152,true", "316,true", "319,true"})
  @DisplayName("a result code QIWI calls non-fatal is a retryable result carrying the code, flagged when an operator must act")
  void retryableResultCodes(int code, boolean needsOperator, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.resultCodeAnswer(code));

    expectFailure(client.refund("BILL-1", "REF1", new BigDecimal("5.00")), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.RetryableResult.class);
      assertThat(((QiwiException.RetryableResult) failure).resultCode()).isEqualTo(code);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.needsOperator()).isEqualTo(needsOperator);
      assertThat(failure.operation()).isEqualTo(QiwiOperation.REFUND);
    });
  }

  @Test
  @DisplayName("a result code sent as a string is mapped like a number")
  void stringResultCode(VertxTestContext ctx) {
    fake.answers(200, "{\"response\":{\"result_code\":\"210\"}}");

    expectFailure(client.billStatus("BILL-1"), ctx, failure ->
        assertThat(failure).isInstanceOfSatisfying(QiwiException.Rejection.class, r -> assertThat(r.resultCode()).isEqualTo(210)));
  }

  @Test
  @DisplayName("a result code in a non-200 answer decides, not the HTTP status")
  void resultCodeWinsOverHttpStatus(VertxTestContext ctx) {
    fake.answers(400, QiwiFixtures.resultCodeAnswer(13));

    expectFailure(client.billStatus("BILL-1"), ctx, failure ->
        assertThat(failure).isInstanceOfSatisfying(QiwiException.RetryableResult.class,
            r -> assertThat(r.resultCode()).isEqualTo(13)));
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {500, 502, 503})
  @DisplayName("an HTTP 5xx is a retryable transport failure, whatever its body")
  void serverErrors(int status, VertxTestContext ctx) {
    fake.answers(status, QiwiFixtures.BILL_ANSWER);

    expectFailure(client.billStatus("BILL-1"), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.TransportFailure.class);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.getMessage()).isEqualTo("bill_status: HTTP " + status);
    });
  }

  @Test
  @DisplayName("a QIWI that never answers ends the call at the configured timeout with a retryable transport failure")
  void hangingServerTimesOut(Vertx vertx, VertxTestContext ctx) {
    fake.hangs();
    QiwiClient impatient = QiwiFixtures.client(vertx, fake, QiwiDialect.REST_V3, QiwiCallGuard.direct(),
        new SimpleMeterRegistry(), 300);

    expectFailure(impatient.issueBill(QiwiFixtures.order1842("order-1842")), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.TransportFailure.class);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.getMessage()).isEqualTo("issue_bill: timeout after 300 ms");
    });
  }

  @Test
  @DisplayName("a connection closed without an answer is a retryable transport failure")
  void droppedConnection(VertxTestContext ctx) {
    fake.dropsConnections();

    expectFailure(client.cancelBill("BILL-1"), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.TransportFailure.class);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.getMessage()).startsWith("cancel_bill: connection");
    });
  }

  @Test
  @DisplayName("a QIWI address where nothing listens is a retryable 'connection refused'")
  void connectionRefused(Vertx vertx, VertxTestContext ctx) {
    vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .compose(server -> server.close().map(server.actualPort()))
        .onComplete(ctx.succeeding(port -> {
          QiwiClientSettings settings =
              new QiwiClientSettings("http://127.0.0.1:" + port, QiwiDialect.PULL_V2, QiwiFixtures.CREDENTIALS, 10_000);
          QiwiClient closedQiwi = new QiwiClient(WebClient.create(vertx), settings,
              QiwiCallGuard.direct(), new SimpleMeterRegistry());
          expectFailure(closedQiwi.billStatus("BILL-1"), ctx, failure -> {
            assertThat(failure).isInstanceOf(QiwiException.TransportFailure.class);
            assertThat(failure.retryable()).isTrue();
            // Usually "refused"; on a busy machine another process may take the freed port and reset instead.
            assertThat(failure.getMessage()).startsWith("bill_status: connection");
          });
        }));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "<html><body>502 Bad Gateway</body></html>",
      "",
      "[1,2,3]",
      "{\"response\":\"ok\"}",
      "{\"result_code\":0}",
      "{\"response\":{\"bill\":{\"bill_id\":\"BILL-1\"}}}",
      "{\"response\":{\"result_code\":\"zero\"}}",
      "{\"response\":{\"result_code\":0.5}}",
      "{\"response\":{\"result_code\":0}}",
      "{\"response\":{\"result_code\":0,\"refund\":{}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":\"10.00\",\"ccy\":\"RUB\",\"status\":\"frozen\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":\"10.00\",\"ccy\":\"RUB\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-2\",\"amount\":\"10.00\",\"ccy\":\"RUB\",\"status\":\"paid\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":\"1e3\",\"ccy\":\"RUB\",\"status\":\"paid\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":10.5,\"ccy\":\"RUB\",\"status\":\"paid\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":\"10.00\",\"ccy\":\"rub\",\"status\":\"paid\"}}}",
      "{\"response\":{\"result_code\":0,\"bill\":{\"bill_id\":\"BILL-1\",\"amount\":\"10.00\",\"ccy\":\"RUB\",\"status\":\"paid\",\"error\":\"x\"}}}"})
  @DisplayName("an HTTP 200 that is not a complete QIWI bill answer is a retryable protocol violation")
  void unusableAnswers(String body, VertxTestContext ctx) {
    fake.answersHtml(200, body);

    expectFailure(client.billStatus("BILL-1"), ctx, failure -> {
      assertThat(failure).isInstanceOf(QiwiException.ProtocolViolation.class);
      assertThat(failure.retryable()).isTrue();
      assertThat(failure.operation()).isEqualTo(QiwiOperation.BILL_STATUS);
    });
  }

  @Test
  @DisplayName("a refund answer with an unknown refund status is a protocol violation")
  void unknownRefundStatus(VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.REFUND_ANSWER.replace("processing", "pending"));

    expectFailure(client.refundStatus("BILL-1", "REF1"), ctx, failure ->
        assertThat(failure).isInstanceOf(QiwiException.ProtocolViolation.class).hasMessageContaining("status"));
  }

  @Test
  @DisplayName("an HTTP 404 page from a wrong base URL is a protocol violation, not a bill")
  void notFoundPage(VertxTestContext ctx) {
    fake.answersHtml(404, "<html>Not Found</html>");

    expectFailure(client.billStatus("BILL-1"), ctx, failure ->
        assertThat(failure).isInstanceOf(QiwiException.ProtocolViolation.class).hasMessage("bill_status: HTTP 404 without a QIWI answer"));
  }

  @Test
  @DisplayName("an answer that echoes the request's credentials never puts them into the failure message")
  void echoedCredentialsStayOutOfMessages(VertxTestContext ctx) {
    fake.answersHtml(200, "<html>Authorization: Bearer " + SECRET_KEY + "</html>");

    expectFailure(client.billStatus("BILL-1"), ctx, failure ->
        assertThat(failure).isInstanceOf(QiwiException.ProtocolViolation.class));
  }
}
