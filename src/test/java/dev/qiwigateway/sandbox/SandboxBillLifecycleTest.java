package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Bills and refunds in the sandbox follow QIWI's state machines")
class SandboxBillLifecycleTest extends SandboxTestBase {

  @Override
  protected SandboxSettings settings(Vertx vertx) {
    return super.settings(vertx).withRefundSettleDelay(Duration.ofMillis(100));
  }

  private Future<QiwiReply> issued(Dialect dialect, String billId) {
    return client.issue(dialect, billId, SandboxClient.billFields(clock)).map(reply -> {
      assertThat(reply.resultCode()).as("issue of " + billId).isZero();
      return reply;
    });
  }

  private Future<HttpResponse<Buffer>> adminAction(String billId, String action) {
    return client.adminRaw(HttpMethod.POST, "/sandbox/bills/" + billId + "/" + action, null);
  }

  private Future<String> statusOf(Dialect dialect, String billId) {
    return client.status(dialect, billId).map(reply -> reply.bill().getString("status"));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("repeating an issue PUT with identical parameters answers 0 with the same bill, and counts the repeat")
  void idempotentIssue(Dialect dialect, VertxTestContext ctx) {
    Map<String, String> fields = SandboxClient.billFields(clock);
    client.issue(dialect, "order-1", fields)
        .compose(first -> client.issue(dialect, "order-1", fields).map(second -> {
          assertThat(second.resultCode()).isZero();
          assertThat(second.bill()).isEqualTo(first.bill());
          return second;
        }))
        .compose(second -> client.adminBill("order-1"))
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getInteger("issueRequests")).isEqualTo(2);
          assertThat(bill.getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("both dialects see the same bill: issued in rest-v3, repeated and read in pull-v2")
  void dialectsShareBills(VertxTestContext ctx) {
    Map<String, String> fields = SandboxClient.billFields(clock);
    client.issue(Dialect.REST_V3, "order-both", fields)
        .compose(first -> client.issue(Dialect.PULL_V2, "order-both", fields))
        .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
          assertThat(again.resultCode()).isZero();
          assertThat(again.bill().getString("bill_id")).isEqualTo("order-both");
          assertThat(again.bill().getString("originAmount")).isEqualTo("10.00");
          assertThat(again.bill().getString("originCcy")).isEqualTo("RUB");
          assertThat(again.bill().getInteger("error")).isZero();
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a declined bill stays rejected: pay, fail, expiry and another cancel change nothing")
  void rejectedIsFinal(Dialect dialect, VertxTestContext ctx) {
    issued(dialect, "order-r")
        .compose(bill -> client.cancel(dialect, "order-r"))
        .compose(cancel -> {
          assertThat(cancel.resultCode()).isZero();
          assertThat(cancel.bill().getString("status")).isEqualTo("rejected");
          return Future.all(adminAction("order-r", "pay"), adminAction("order-r", "fail"),
              adminAction("order-r", "expire"));
        })
        .compose(all -> {
          for (int i = 0; i < 3; i++) {
            assertThat(all.<HttpResponse<Buffer>>resultAt(i).statusCode()).isEqualTo(409);
          }
          clock.advance(Duration.ofDays(2));
          return client.cancel(dialect, "order-r");
        })
        .compose(again -> {
          assertThat(again.resultCode()).isEqualTo(78);
          return statusOf(dialect, "order-r");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo("rejected");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a paid bill stays paid: decline, cancel and its lifetime passing change nothing")
  void paidIsFinal(Dialect dialect, VertxTestContext ctx) {
    issued(dialect, "order-p")
        .compose(bill -> adminAction("order-p", "pay"))
        .compose(paid -> {
          assertThat(paid.statusCode()).isEqualTo(200);
          return Future.all(adminAction("order-p", "decline"), adminAction("order-p", "expire"),
              client.cancel(dialect, "order-p"));
        })
        .compose(all -> {
          assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(409);
          assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(409);
          assertThat(all.<QiwiReply>resultAt(2).resultCode()).isEqualTo(1419);
          clock.advance(Duration.ofDays(2));
          return statusOf(dialect, "order-p");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status).isEqualTo("paid");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a waiting bill whose lifetime has passed reads as expired, and then can be neither paid nor cancelled")
  void lazyExpiry(Dialect dialect, VertxTestContext ctx) {
    Map<String, String> fields = SandboxClient.with(SandboxClient.billFields(clock), "lifetime",
        SandboxClient.moscowTime(clock.instant().plus(Duration.ofHours(1))));
    client.issue(dialect, "order-e", fields)
        .compose(bill -> {
          assertThat(bill.bill().getString("status")).isEqualTo("waiting");
          clock.advance(Duration.ofHours(1).plusSeconds(1));
          return statusOf(dialect, "order-e");
        })
        .compose(status -> {
          assertThat(status).isEqualTo("expired");
          return Future.all(adminAction("order-e", "pay"), client.cancel(dialect, "order-e"),
              client.issue(dialect, "order-e", fields));
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(409);
          assertThat(all.<QiwiReply>resultAt(1).resultCode()).isEqualTo(78);
          QiwiReply repeat = all.resultAt(2);
          assertThat(repeat.resultCode()).as("the retried PUT still finds its bill").isZero();
          assertThat(repeat.bill().getString("status")).isEqualTo("expired");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a new refund is processing, settles to success after the settle delay, and repeats return it")
  void refundSettles(Dialect dialect, VertxTestContext ctx) {
    issued(dialect, "order-rf")
        .compose(bill -> adminAction("order-rf", "pay"))
        .compose(paid -> client.refund(dialect, "order-rf", "r1", "2.50"))
        .compose(refund -> {
          assertThat(refund.resultCode()).isZero();
          assertThat(refund.refund().getString("status")).isEqualTo("processing");
          assertThat(refund.refund().getString("user")).isEqualTo(SandboxClient.USER);
          assertThat(refund.refund().getInteger("error")).isZero();
          return client.eventually(() -> client.refundStatus(dialect, "order-rf", "r1"),
              reply -> "success".equals(reply.refund().getString("status")), Duration.ofSeconds(10));
        })
        .compose(settled -> Future.all(client.refund(dialect, "order-rf", "r1", "2.50"),
            client.refundStatus(dialect, "order-rf", "r2")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          QiwiReply repeat = all.resultAt(0);
          assertThat(repeat.resultCode()).isZero();
          assertThat(repeat.refund().getString("status")).isEqualTo("success");
          assertThat(all.<QiwiReply>resultAt(1).resultCode()).as("unknown refund").isEqualTo(210);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a refund the admin fails no longer counts against the bill, and a settled refund cannot be settled again")
  void failedRefundFreesAmount(VertxTestContext ctx) {
    Dialect dialect = Dialect.REST_V3;
    issued(dialect, "order-ff")
        .compose(bill -> adminAction("order-ff", "pay"))
        .compose(paid -> client.refund(dialect, "order-ff", "r1", "10.00"))
        .compose(whole -> client.adminRaw(HttpMethod.POST, "/sandbox/bills/order-ff/refunds/r1/settle?status=fail", null))
        .compose(failed -> {
          assertThat(failed.statusCode()).isEqualTo(200);
          assertThat(failed.bodyAsJsonObject().getString("status")).isEqualTo("fail");
          return client.adminRaw(HttpMethod.POST, "/sandbox/bills/order-ff/refunds/r1/settle?status=success", null);
        })
        .compose(again -> {
          assertThat(again.statusCode()).isEqualTo(409);
          return client.refund(dialect, "order-ff", "r2", "10.00");
        })
        .compose(second -> {
          assertThat(second.resultCode()).isZero();
          return client.refundStatus(dialect, "order-ff", "r1");
        })
        .onComplete(ctx.succeeding(first -> ctx.verify(() -> {
          assertThat(first.refund().getString("status")).isEqualTo("fail");
          ctx.completeNow();
        })));
  }
}
