package dev.qiwigateway.qiwi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The resilience seam, the per-attempt metrics and the checks made before anything is sent. */
@ExtendWith(VertxExtension.class)
class QiwiClientGuardTest {

  /** Passes every call through once and remembers which operation it guarded. */
  private static final class RecordingGuard implements QiwiCallGuard {
    final List<QiwiOperation> guarded = new CopyOnWriteArrayList<>();

    @Override
    public <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt) {
      guarded.add(operation);
      return attempt.get();
    }
  }

  /** Sends every call twice, as a retry after an unknown outcome would, and keeps the second result. */
  private static final class TwiceGuard implements QiwiCallGuard {
    @Override
    public <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt) {
      return attempt.get().transform(first -> attempt.get());
    }
  }

  private FakeQiwi fake;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingGuard recording = new RecordingGuard();

  @BeforeEach
  void startFakeQiwi(Vertx vertx, VertxTestContext ctx) {
    FakeQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      fake = started;
      ctx.completeNow();
    }));
  }

  private QiwiClient client(Vertx vertx, QiwiCallGuard guard) {
    return QiwiFixtures.client(vertx, fake, QiwiDialect.PULL_V2, guard, registry, 10_000);
  }

  private long attempts(QiwiOperation operation, String outcome) {
    Timer timer = registry.find("qiwi.client.calls")
        .tag("operation", operation.metricName()).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  @DisplayName("each of the five calls passes through the guard once, named by its operation")
  void everyCallIsGuardedOnce(Vertx vertx, VertxTestContext ctx) {
    QiwiClient client = client(vertx, recording);
    fake.answers(200, QiwiFixtures.BILL_ANSWER);

    client.issueBill(QiwiFixtures.order1842("BILL-1"))
        .compose(issued -> client.billStatus("BILL-1"))
        .compose(status -> client.cancelBill("BILL-1"))
        .compose(cancelled -> {
          fake.answers(200, QiwiFixtures.REFUND_ANSWER);
          return client.refund("BILL-1", "REF1", new BigDecimal("5.00"));
        })
        .compose(refund -> client.refundStatus("BILL-1", "REF1"))
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          assertThat(recording.guarded).containsExactly(QiwiOperation.ISSUE_BILL, QiwiOperation.BILL_STATUS,
              QiwiOperation.CANCEL_BILL, QiwiOperation.REFUND, QiwiOperation.REFUND_STATUS);
          assertThat(fake.received()).hasSize(5);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a guard that retries an issue sends the very same PUT again: same bill id, headers and body")
  void retriedIssueRepeatsTheIdenticalRequest(Vertx vertx, VertxTestContext ctx) {
    fake.answers(200, QiwiFixtures.billAnswer("order-1842", "waiting"));

    client(vertx, new TwiceGuard()).issueBill(QiwiFixtures.order1842("order-1842"))
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          List<FakeQiwi.Received> sent = fake.received();
          assertThat(sent).hasSize(2);
          FakeQiwi.Received first = sent.get(0);
          FakeQiwi.Received second = sent.get(1);
          assertThat(second.method()).isEqualTo(first.method()).isEqualTo("PUT");
          assertThat(second.path()).isEqualTo(first.path()).isEqualTo("/api/v2/prv/2042/bills/order-1842");
          assertThat(second.body()).isEqualTo(first.body()).isNotEmpty();
          for (String header : List.of("Authorization", "Accept", "Content-Type", "Content-Length")) {
            assertThat(second.header(header)).as(header).isEqualTo(first.header(header)).isNotNull();
          }
          assertThat(attempts(QiwiOperation.ISSUE_BILL, "success")).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a guard that retries a refund re-sends the same refund id and amount, never a new refund")
  void retriedRefundRepeatsTheSameRefundId(Vertx vertx, VertxTestContext ctx) {
    fake.answers(502, "Bad Gateway");

    client(vertx, new TwiceGuard()).refund("BILL-1", "REF1", new BigDecimal("5"))
        .onComplete(ctx.failing(failure -> ctx.verify(() -> {
          assertThat(failure).isInstanceOf(QiwiException.TransportFailure.class);
          assertThat(fake.received()).extracting(FakeQiwi.Received::path)
              .containsExactly("/api/v2/prv/2042/bills/BILL-1/refund/REF1", "/api/v2/prv/2042/bills/BILL-1/refund/REF1");
          assertThat(fake.received()).extracting(FakeQiwi.Received::body).containsExactly("amount=5.00", "amount=5.00");
          assertThat(attempts(QiwiOperation.REFUND, "transport")).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("every attempt is timed under its operation and outcome")
  void attemptsAreTimedByOutcome(Vertx vertx, VertxTestContext ctx) {
    QiwiClient client = client(vertx, QiwiCallGuard.direct());
    fake.answers(200, QiwiFixtures.BILL_ANSWER);

    client.billStatus("BILL-1")
        .transform(ok -> {
          fake.answers(200, QiwiFixtures.resultCodeAnswer(210));
          return client.billStatus("BILL-1");
        })
        .transform(rejected -> {
          fake.answers(200, QiwiFixtures.resultCodeAnswer(300));
          return client.cancelBill("BILL-1");
        })
        .transform(retryable -> {
          fake.answers(200, "<html>maintenance</html>");
          return client.billStatus("BILL-1");
        })
        .transform(protocol -> {
          fake.answers(503, "");
          return client.refundStatus("BILL-1", "REF1");
        })
        .onComplete(ctx.failing(transport -> ctx.verify(() -> {
          assertThat(attempts(QiwiOperation.BILL_STATUS, "success")).isEqualTo(1);
          assertThat(attempts(QiwiOperation.BILL_STATUS, "rejected")).isEqualTo(1);
          assertThat(attempts(QiwiOperation.CANCEL_BILL, "retryable_code")).isEqualTo(1);
          assertThat(attempts(QiwiOperation.BILL_STATUS, "protocol")).isEqualTo(1);
          assertThat(attempts(QiwiOperation.REFUND_STATUS, "transport")).isEqualTo(1);
          assertThat(registry.find("qiwi.client.calls").timers()).hasSize(5);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("invalid bill ids, refund ids and amounts are refused before anything reaches the guard or QIWI")
  void invalidArgumentsNeverLeaveTheGateway(Vertx vertx, VertxTestContext ctx) {
    QiwiClient client = client(vertx, recording);

    ctx.verify(() -> {
      assertThatIllegalArgumentException().isThrownBy(() -> client.billStatus("order 1842"));
      assertThatIllegalArgumentException().isThrownBy(() -> client.billStatus("x".repeat(31)));
      assertThatIllegalArgumentException().isThrownBy(() -> client.cancelBill(""));
      assertThatIllegalArgumentException().isThrownBy(() -> client.refund("BILL-1", "REF-1", BigDecimal.TEN));
      assertThatIllegalArgumentException().isThrownBy(() -> client.refund("BILL-1", "REF1234567", BigDecimal.TEN));
      assertThatIllegalArgumentException().isThrownBy(() -> client.refund("BILL-1", "REF1", new BigDecimal("1.234")));
      assertThatIllegalArgumentException().isThrownBy(() -> client.refund("BILL-1", "REF1", new BigDecimal("-5")));
      assertThatIllegalArgumentException().isThrownBy(() -> client.refundStatus("BILL/1", "REF1"));
      assertThat(recording.guarded).isEmpty();
      assertThat(fake.received()).isEmpty();
      ctx.completeNow();
    });
  }

  @Test
  @DisplayName("a bill QIWI would refuse for its fields cannot even be described")
  void invalidBillsCannotBeBuilt() {
    Instant lifetime = QiwiFixtures.LIFETIME;
    BigDecimal amount = new BigDecimal("1499.00");
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order 1", "tel:+79031234567", amount, "RUB", "c", lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "+79031234567", amount, "RUB", "c", lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+7903123456789012", amount, "RUB", "c", lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+79031234567", new BigDecimal("1000000"), "RUB", "c", lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+79031234567", amount, "rub", "c", lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+79031234567", amount, "RUB", "я".repeat(256), lifetime, null, null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+79031234567", amount, "RUB", "c", lifetime, "card", null));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new BillIssue("order-1", "tel:+79031234567", amount, "RUB", "c", lifetime, null, "n".repeat(101)));
    assertThat(new BillIssue("order-1", "tel:+79031234567", amount, "RUB", "я".repeat(255), lifetime, "qw",
        "n".repeat(100)).comment()).hasSize(255);
  }

  @Test
  @DisplayName("client settings refuse a base URL without scheme and a non-positive timeout")
  void settingsAreValidated() {
    assertThatIllegalArgumentException().isThrownBy(() ->
        new QiwiClientSettings("api.qiwi.com", QiwiDialect.REST_V3, QiwiFixtures.CREDENTIALS, 5000));
    assertThatIllegalArgumentException().isThrownBy(() ->
        new QiwiClientSettings("https://api.qiwi.com", QiwiDialect.REST_V3, QiwiFixtures.CREDENTIALS, 0));
    assertThat(new QiwiClientSettings("https://api.qiwi.com/", QiwiDialect.REST_V3, QiwiFixtures.CREDENTIALS, 5000)
        .baseUrl()).isEqualTo("https://api.qiwi.com");
  }
}
