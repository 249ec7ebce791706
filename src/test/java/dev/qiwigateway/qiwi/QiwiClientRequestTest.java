package dev.qiwigateway.qiwi;

import static dev.qiwigateway.qiwi.QiwiFixtures.BASIC;
import static dev.qiwigateway.qiwi.QiwiFixtures.LIFETIME_MOSCOW;
import static dev.qiwigateway.qiwi.QiwiFixtures.REFUND_ANSWER;
import static dev.qiwigateway.qiwi.QiwiFixtures.SECRET_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.domain.BillStatus;
import dev.qiwigateway.domain.RefundStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each of the five calls puts on the wire, in both dialects, as a recording QIWI receives it. */
@ExtendWith(VertxExtension.class)
class QiwiClientRequestTest {

  private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";

  private FakeQiwi fake;

  @BeforeEach
  void startFakeQiwi(Vertx vertx, VertxTestContext ctx) {
    FakeQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      fake = started;
      ctx.completeNow();
    }));
  }

  private QiwiClient client(Vertx vertx, QiwiDialect dialect) {
    return QiwiFixtures.client(vertx, fake, dialect, QiwiCallGuard.direct(), new SimpleMeterRegistry(), 5000);
  }

  private static String billPath(QiwiDialect dialect, String billId) {
    return dialect == QiwiDialect.REST_V3 ? "/api/v3/prv/bills/" + billId : "/api/v2/prv/2042/bills/" + billId;
  }

  private static String authorization(QiwiDialect dialect) {
    return dialect == QiwiDialect.REST_V3 ? "Bearer " + SECRET_KEY : BASIC;
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("issuing a bill PUTs every bill field as a UTF-8 form, the lifetime in Moscow time")
  void issueBillRequest(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.billAnswer("order-1842", "waiting"));

    client(vertx, dialect).issueBill(QiwiFixtures.order1842("order-1842")).onComplete(ctx.succeeding(bill ->
        ctx.verify(() -> {
          FakeQiwi.Received put = fake.onlyRequest();
          assertThat(put.method()).isEqualTo("PUT");
          assertThat(put.path()).isEqualTo(billPath(dialect, "order-1842"));
          assertThat(put.header("Authorization")).isEqualTo(authorization(dialect));
          assertThat(put.header("Accept")).isEqualTo("text/json");
          assertThat(put.header("Content-Type")).isEqualTo(FORM);
          assertThat(put.body()).matches("[A-Za-z0-9%+=&._*-]+").contains("%D0%97%D0%B0%D0%BA%D0%B0%D0%B7");
          assertThat(put.form()).containsExactlyInAnyOrderEntriesOf(Map.of(
              "user", "tel:+79031234567",
              "amount", "1499.00",
              "ccy", "RUB",
              "comment", "Заказ №1842: чай & кофе = 2 шт.",
              "lifetime", LIFETIME_MOSCOW,
              "pay_source", "mobile",
              "prv_name", "Marketplace Ltd"));
          assertThat(bill.billId()).isEqualTo("order-1842");
          assertThat(bill.status()).isEqualTo(BillStatus.WAITING);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("a bill without pay source or provider name sends neither field")
  void optionalIssueFieldsAreOmitted(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.billAnswer("order-7", "waiting"));
    BillIssue plain = new BillIssue("order-7", "tel:+79031234567", new BigDecimal("10.5"), "RUB", "Order 7",
        QiwiFixtures.LIFETIME, null, null);

    client(vertx, dialect).issueBill(plain).onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      assertThat(fake.onlyRequest().form())
          .containsOnlyKeys("user", "amount", "ccy", "comment", "lifetime")
          .containsEntry("amount", "10.50")
          .containsEntry("comment", "Order 7");
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("asking for a bill's status is a bodiless GET of the bill resource")
  void billStatusRequest(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.billAnswer("order-1842", "paid"));

    client(vertx, dialect).billStatus("order-1842").onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      FakeQiwi.Received get = fake.onlyRequest();
      assertThat(get.method()).isEqualTo("GET");
      assertThat(get.path()).isEqualTo(billPath(dialect, "order-1842"));
      assertThat(get.header("Authorization")).isEqualTo(authorization(dialect));
      assertThat(get.header("Accept")).isEqualTo("text/json");
      assertThat(get.body()).isEmpty();
      assertThat(bill.status()).isEqualTo(BillStatus.PAID);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("cancelling an unpaid bill PATCHes it with status=rejected")
  void cancelBillRequest(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.billAnswer("order-1842", "rejected"));

    client(vertx, dialect).cancelBill("order-1842").onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
      FakeQiwi.Received patch = fake.onlyRequest();
      assertThat(patch.method()).isEqualTo("PATCH");
      assertThat(patch.path()).isEqualTo(billPath(dialect, "order-1842"));
      assertThat(patch.header("Authorization")).isEqualTo(authorization(dialect));
      assertThat(patch.header("Accept")).isEqualTo("text/json");
      assertThat(patch.header("Content-Type")).isEqualTo(FORM);
      assertThat(patch.body()).isEqualTo("status=rejected");
      assertThat(bill.status()).isEqualTo(BillStatus.REJECTED);
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("a refund PUTs its amount to the refund resource named by the caller's refund id")
  void refundRequest(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, REFUND_ANSWER);

    client(vertx, dialect).refund("BILL-1", "REF1", new BigDecimal("5")).onComplete(ctx.succeeding(refund ->
        ctx.verify(() -> {
          FakeQiwi.Received put = fake.onlyRequest();
          assertThat(put.method()).isEqualTo("PUT");
          assertThat(put.path()).isEqualTo(billPath(dialect, "BILL-1") + "/refund/REF1");
          assertThat(put.header("Authorization")).isEqualTo(authorization(dialect));
          assertThat(put.header("Accept")).isEqualTo("text/json");
          assertThat(put.header("Content-Type")).isEqualTo(FORM);
          assertThat(put.form()).containsExactlyEntriesOf(Map.of("amount", "5.00"));
          assertThat(refund).isEqualTo(new QiwiRefund("REF1", new BigDecimal("5.00"), RefundStatus.PROCESSING, 0,
              "tel:+79031234567"));
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(QiwiDialect.class)
  @DisplayName("asking for a refund's status is a bodiless GET of the refund resource")
  void refundStatusRequest(QiwiDialect dialect, Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, REFUND_ANSWER.replace("processing", "success"));

    client(vertx, dialect).refundStatus("BILL-1", "REF1").onComplete(ctx.succeeding(refund -> ctx.verify(() -> {
      FakeQiwi.Received get = fake.onlyRequest();
      assertThat(get.method()).isEqualTo("GET");
      assertThat(get.path()).isEqualTo(billPath(dialect, "BILL-1") + "/refund/REF1");
      assertThat(get.header("Authorization")).isEqualTo(authorization(dialect));
      assertThat(get.header("Accept")).isEqualTo("text/json");
      assertThat(get.body()).isEmpty();
      assertThat(refund.status()).isEqualTo(RefundStatus.SUCCESS);
      ctx.completeNow();
    })));
  }
}
