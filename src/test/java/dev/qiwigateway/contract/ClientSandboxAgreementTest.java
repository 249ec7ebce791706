package dev.qiwigateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.domain.RefundStatus;
import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.qiwi.QiwiCallGuard;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiClientSettings;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's QIWI client and the built-in sandbox, written separately from the protocol document,
 * must agree on every operation in both dialects: any drift in paths, auth, encoding or answers
 * shows up here as a failed call.
 */
@ExtendWith(VertxExtension.class)
class ClientSandboxAgreementTest {

  private static final String COMMENT = "Заказ №1842 & co + 50% off";

  private Vertx vertx;
  private SandboxVerticle sandbox;
  private WebClient admin;

  private Future<QiwiClient> startSandbox(Vertx vertx, QiwiDialect dialect, QiwiCredentials clientCredentials) {
    this.vertx = vertx;
    admin = WebClient.create(vertx);
    sandbox = new SandboxVerticle(SandboxSettings.defaults(TestSecrets.sandboxCredentials())
        .withRefundSettleDelay(Duration.ofHours(1)));
    return vertx.deployVerticle(sandbox).map(id -> new QiwiClient(WebClient.create(vertx),
        new QiwiClientSettings(sandbox.baseUrl(), dialect, clientCredentials, 2000),
        QiwiCallGuard.direct(), new SimpleMeterRegistry()));
  }

  private static BillIssue bill(String billId, String amount) {
    return new BillIssue(billId, "tel:+79161234567", new BigDecimal(amount), "RUB", COMMENT,
        Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS), "qw", "Marketplace");
  }

  private Future<Void> adminPost(String path) {
    return admin.postAbs(sandbox.baseUrl() + path).send().map(response -> {
      assertThat(response.statusCode()).as("admin %s", path).isBetween(200, 299);
      return null;
    });
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("a bill is issued, repeated idempotently, paid, partly refunded and read back identically")
  void issuePayRefund(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    // One request object: a second bill("agree-1", ...) could land in the next second, a different expiry,
    // which QIWI rightly answers with 215 instead of an idempotent repeat.
    BillIssue request = bill("agree-1", "1499.00");
    startSandbox(vertx, dialect, TestSecrets.credentials()).compose(qiwi -> qiwi.issueBill(request)
        .compose(issued -> {
          ctx.verify(() -> {
            assertThat(issued.billId()).isEqualTo("agree-1");
            assertThat(issued.status()).isEqualTo(BillStatus.WAITING);
            assertThat(issued.amount()).isEqualByComparingTo("1499.00");
            assertThat(issued.comment()).isEqualTo(COMMENT);
            assertThat(issued.user()).isEqualTo("tel:+79161234567");
          });
          return qiwi.issueBill(request);
        })
        .compose(repeated -> {
          ctx.verify(() -> assertThat(repeated.status()).isEqualTo(BillStatus.WAITING));
          return adminPost("/sandbox/bills/agree-1/pay");
        })
        .compose(paid -> qiwi.billStatus("agree-1"))
        .compose(status -> {
          ctx.verify(() -> assertThat(status.status()).isEqualTo(BillStatus.PAID));
          return qiwi.refund("agree-1", "r1", new BigDecimal("500.00"));
        })
        .compose(refund -> {
          ctx.verify(() -> {
            assertThat(refund.refundId()).isEqualTo("r1");
            assertThat(refund.status()).isEqualTo(RefundStatus.PROCESSING);
            assertThat(refund.amount()).isEqualByComparingTo("500.00");
          });
          return qiwi.refund("agree-1", "r1", new BigDecimal("500.00"));
        })
        .compose(repeated -> adminPost("/sandbox/bills/agree-1/refunds/r1/settle?status=success"))
        .compose(settled -> qiwi.refundStatus("agree-1", "r1")))
        .onComplete(ctx.succeeding(refund -> ctx.verify(() -> {
          assertThat(refund.status()).isEqualTo(RefundStatus.SUCCESS);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("an unpaid bill is cancelled and stays rejected; a paid one cannot be cancelled")
  void cancel(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    startSandbox(vertx, dialect, TestSecrets.credentials()).compose(qiwi -> qiwi.issueBill(bill("agree-2", "10.00"))
        .compose(issued -> qiwi.cancelBill("agree-2"))
        .compose(cancelled -> {
          ctx.verify(() -> assertThat(cancelled.status()).isEqualTo(BillStatus.REJECTED));
          return qiwi.billStatus("agree-2");
        })
        .compose(status -> {
          ctx.verify(() -> assertThat(status.status()).isEqualTo(BillStatus.REJECTED));
          return qiwi.issueBill(bill("agree-3", "10.00"));
        })
        .compose(issued -> adminPost("/sandbox/bills/agree-3/pay"))
        .compose(paid -> expectRejection(qiwi.cancelBill("agree-3"), 1419)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("the sandbox's refusals reach the client as the documented result codes")
  void refusals(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    startSandbox(vertx, dialect, TestSecrets.credentials()).compose(qiwi -> qiwi.issueBill(bill("agree-4", "100.00"))
        .compose(issued -> expectRejection(qiwi.issueBill(bill("agree-4", "100.01")), 215))
        .compose(v -> expectRejection(qiwi.billStatus("no-such-bill"), 210))
        .compose(v -> expectRejection(qiwi.refund("agree-4", "r1", new BigDecimal("1.00")), 78))
        .compose(v -> adminPost("/sandbox/bills/agree-4/pay"))
        .compose(v -> expectRejection(qiwi.refund("agree-4", "r1", new BigDecimal("100.01")), 242))
        .compose(v -> qiwi.refund("agree-4", "r2", new BigDecimal("60.00")))
        .compose(v -> expectRejection(qiwi.refund("agree-4", "r2", new BigDecimal("61.00")), 215))
        .compose(v -> expectRejection(qiwi.refund("agree-4", "r3", new BigDecimal("40.01")), 242))
        .compose(v -> expectRejection(qiwi.refundStatus("agree-4", "r9"), 210)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("wrong API credentials are refused with 150 and never retried as a transport failure")
  void badCredentials(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    QiwiCredentials wrong = QiwiCredentials.of(TestSecrets.PRV_ID, TestSecrets.API_ID, "not-the-secret", null);
    startSandbox(vertx, dialect, wrong)
        .compose(qiwi -> expectRejection(qiwi.issueBill(bill("agree-5", "10.00")), 150))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> expectRejection(Future<?> call, int resultCode) {
    return call.transform(ar -> {
      if (ar.succeeded()) {
        return Future.failedFuture(new AssertionError("expected result code " + resultCode + ", got success"));
      }
      Throwable failure = ar.cause();
      if (failure instanceof QiwiException.Rejection rejection && rejection.resultCode() == resultCode
          && !((QiwiException) failure).retryable()) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(new AssertionError("expected rejection " + resultCode + ", got " + failure, failure));
    });
  }
}
