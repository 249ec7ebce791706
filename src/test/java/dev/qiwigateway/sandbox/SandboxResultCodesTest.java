package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("The sandbox answers each documented mistake with QIWI's result code, in both dialects")
class SandboxResultCodesTest extends SandboxTestBase {

  private Future<QiwiReply> issued(Dialect dialect, String billId) {
    return client.issue(dialect, billId, SandboxClient.billFields(clock)).map(reply -> {
      assertThat(reply.resultCode()).as("issue of " + billId).isZero();
      return reply;
    });
  }

  private Future<QiwiReply> paid(Dialect dialect, String billId) {
    return issued(dialect, billId)
        .compose(reply -> client.admin(HttpMethod.POST, "/sandbox/bills/" + billId + "/pay", null))
        .compose(ignored -> client.status(dialect, billId));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a wrong, missing or foreign credential is refused with HTTP 401 and result code 150")
  void badCredentials(Dialect dialect, VertxTestContext ctx) {
    String path = SandboxClient.billPath(dialect, "order-1");
    Dialect other = dialect == Dialect.REST_V3 ? Dialect.PULL_V2 : Dialect.REST_V3;
    MultiMap wrong = SandboxClient.headers(dialect, false).set("Authorization",
        dialect == Dialect.REST_V3 ? "Bearer not-the-key" : "Basic MjMyNDQxMjM6d3Jvbmc=");
    MultiMap missing = SandboxClient.headers(dialect, false).remove("Authorization");
    MultiMap foreign = SandboxClient.headers(dialect, false).set("Authorization",
        SandboxClient.authorization(other));
    Future.all(client.send(HttpMethod.GET, path, wrong, null), client.send(HttpMethod.GET, path, missing, null),
            client.send(HttpMethod.GET, path, foreign, null))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            QiwiReply reply = all.resultAt(i);
            assertThat(reply.httpStatus()).isEqualTo(401);
            assertThat(reply.resultCode()).isEqualTo(150);
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a pull-v2 request for another shop's prv_id is refused with 150 even with valid credentials")
  void pullV2OtherShop(VertxTestContext ctx) {
    client.send(HttpMethod.GET, SandboxClient.billPath(Dialect.PULL_V2, "9999", "order-1"),
            SandboxClient.headers(Dialect.PULL_V2, false), null)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.httpStatus()).isEqualTo(401);
          assertThat(reply.resultCode()).isEqualTo(150);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("status, cancel, refund and refund status of an unknown bill answer 210")
  void unknownBill(Dialect dialect, VertxTestContext ctx) {
    Future.all(client.status(dialect, "nobody"), client.cancel(dialect, "nobody"),
            client.refund(dialect, "nobody", "r1", "1.00"), client.refundStatus(dialect, "nobody", "r1"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 4; i++) {
            QiwiReply reply = all.resultAt(i);
            assertThat(reply.httpStatus()).isEqualTo(200);
            assertThat(reply.resultCode()).isEqualTo(210);
          }
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("repeating an issue PUT with another amount, currency or wallet answers 215 and leaves the bill as issued")
  void repeatedIssueWithOtherParameters(Dialect dialect, VertxTestContext ctx) {
    var fields = SandboxClient.billFields(clock);
    issued(dialect, "order-215")
        .compose(first -> Future.all(
            client.issue(dialect, "order-215", SandboxClient.with(fields, "amount", "11.00")),
            client.issue(dialect, "order-215", SandboxClient.with(fields, "ccy", "USD")),
            client.issue(dialect, "order-215", SandboxClient.with(fields, "user", "tel:+79990000000"))))
        .compose(all -> {
          for (int i = 0; i < 3; i++) {
            assertThat(all.<QiwiReply>resultAt(i).resultCode()).as("conflict #" + i).isEqualTo(215);
          }
          return client.status(dialect, "order-215");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("amount")).isEqualTo("10.00");
          assertThat(status.bill().getString("ccy")).isEqualTo("RUB");
          assertThat(status.bill().getString("user")).isEqualTo(SandboxClient.USER);
          ctx.completeNow();
        })));
  }

  /**
   * QIWI: the same prv_id, bill_id and amount get the same answer. An SDK that recomputes the lifetime on a
   * retry must get its bill back, not 215; the bill keeps what it was first issued with.
   */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("repeating an issue PUT with only lifetime, comment, pay_source or prv_name changed answers the bill as first issued")
  void repeatedIssueWithSameAmount(Dialect dialect, VertxTestContext ctx) {
    var fields = SandboxClient.billFields(clock);
    String laterLifetime = SandboxClient.moscowTime(clock.instant().plus(java.time.Duration.ofDays(2)));
    issued(dialect, "order-again")
        .compose(first -> Future.all(
            client.issue(dialect, "order-again", SandboxClient.with(fields, "lifetime", laterLifetime)),
            client.issue(dialect, "order-again", SandboxClient.with(fields, "comment", "other")),
            client.issue(dialect, "order-again", SandboxClient.with(fields, "pay_source", "mobile")),
            client.issue(dialect, "order-again", SandboxClient.with(fields, "prv_name", "Other shop"))))
        .compose(all -> {
          for (int i = 0; i < 4; i++) {
            QiwiReply reply = all.resultAt(i);
            assertThat(reply.resultCode()).as("repeat #" + i).isZero();
            assertThat(reply.bill().getString("comment")).isEqualTo("Order 1842");
          }
          return client.adminBill("order-again");
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getString("lifetime")).isEqualTo(fields.get("lifetime"));
          assertThat(bill.getString("comment")).isEqualTo("Order 1842");
          assertThat(bill.getString("paySource")).isEqualTo("qw");
          assertThat(bill.getString("prvName")).isNull();
          assertThat(bill.getInteger("issueRequests")).isEqualTo(5);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("refunds beyond the bill amount answer 242, counting every refund that has not failed")
  void refundTooLarge(Dialect dialect, VertxTestContext ctx) {
    paid(dialect, "order-242")
        .compose(bill -> client.refund(dialect, "order-242", "r1", "10.01"))
        .compose(tooMuch -> {
          assertThat(tooMuch.resultCode()).isEqualTo(242);
          return client.refund(dialect, "order-242", "r2", "6.00");
        })
        .compose(first -> {
          assertThat(first.resultCode()).isZero();
          return client.refund(dialect, "order-242", "r3", "4.01");
        })
        .compose(second -> {
          assertThat(second.resultCode()).isEqualTo(242);
          return client.refund(dialect, "order-242", "r4", "4.00");
        })
        .onComplete(ctx.succeeding(rest -> ctx.verify(() -> {
          assertThat(rest.resultCode()).isZero();
          assertThat(rest.refund().getString("amount")).isEqualTo("4.00");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("cancelling a paid bill answers 1419 and the bill stays paid")
  void cancelPaid(Dialect dialect, VertxTestContext ctx) {
    paid(dialect, "order-1419")
        .compose(bill -> client.cancel(dialect, "order-1419"))
        .compose(cancel -> {
          assertThat(cancel.resultCode()).isEqualTo(1419);
          return client.status(dialect, "order-1419");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("status")).isEqualTo("paid");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("cancelling a rejected, unpaid or expired bill answers 78")
  void cancelFinal(Dialect dialect, VertxTestContext ctx) {
    Future.all(issued(dialect, "rejected-1"), issued(dialect, "unpaid-1"), issued(dialect, "expired-1"))
        .compose(all -> Future.all(client.cancel(dialect, "rejected-1"),
            client.admin(HttpMethod.POST, "/sandbox/bills/unpaid-1/fail", null),
            client.admin(HttpMethod.POST, "/sandbox/bills/expired-1/expire", null)))
        .compose(all -> Future.all(client.cancel(dialect, "rejected-1"), client.cancel(dialect, "unpaid-1"),
            client.cancel(dialect, "expired-1")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            assertThat(all.<QiwiReply>resultAt(i).resultCode()).isEqualTo(78);
          }
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a refund of a bill that is not paid answers 78")
  void refundUnpaid(Dialect dialect, VertxTestContext ctx) {
    issued(dialect, "order-78")
        .compose(bill -> client.refund(dialect, "order-78", "r1", "1.00"))
        .compose(waiting -> {
          assertThat(waiting.resultCode()).isEqualTo(78);
          return client.cancel(dialect, "order-78");
        })
        .compose(rejected -> client.refund(dialect, "order-78", "r1", "1.00"))
        .onComplete(ctx.succeeding(refund -> ctx.verify(() -> {
          assertThat(refund.resultCode()).isEqualTo(78);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a refund id re-sent with another amount answers 215; with the same amount it is the same refund")
  void refundIdReused(Dialect dialect, VertxTestContext ctx) {
    paid(dialect, "order-r215")
        .compose(bill -> client.refund(dialect, "order-r215", "r1", "3.00"))
        .compose(first -> Future.all(client.refund(dialect, "order-r215", "r1", "4.00"),
            client.refund(dialect, "order-r215", "r1", "3.00")))
        .compose(all -> {
          assertThat(all.<QiwiReply>resultAt(0).resultCode()).isEqualTo(215);
          QiwiReply again = all.resultAt(1);
          assertThat(again.resultCode()).isZero();
          assertThat(again.refund().getString("refund_id")).isEqualTo("r1");
          assertThat(again.refund().getString("amount")).isEqualTo("3.00");
          return client.adminBill("order-r215");
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getJsonArray("refunds")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("an unsupported currency answers 1001, an amount below or above the limits 241 or 242")
  void currencyAndLimits(Dialect dialect, VertxTestContext ctx) {
    var fields = SandboxClient.billFields(clock);
    Future.all(client.issue(dialect, "gbp", SandboxClient.with(fields, "ccy", "GBP")),
            client.issue(dialect, "small", SandboxClient.with(fields, "amount", "0.99")),
            client.issue(dialect, "large", SandboxClient.with(fields, "amount", "600000.01")),
            client.issue(dialect, "eur", SandboxClient.with(fields, "ccy", "EUR")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<QiwiReply>resultAt(0).resultCode()).isEqualTo(1001);
          assertThat(all.<QiwiReply>resultAt(1).resultCode()).isEqualTo(241);
          assertThat(all.<QiwiReply>resultAt(2).resultCode()).isEqualTo(242);
          assertThat(all.<QiwiReply>resultAt(3).resultCode()).isZero();
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("an Accept naming neither JSON nor XML, or a body that is not a UTF-8 form, answers 5 and issues nothing")
  void headerViolations(Dialect dialect, VertxTestContext ctx) {
    String path = SandboxClient.billPath(dialect, "order-5");
    String body = SandboxClient.form(SandboxClient.billFields(clock));
    Future.all(java.util.List.of(
            client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, true).set("Accept", "text/html"), body),
            client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, true)
                .set("Accept", "application/json;q=0, text/plain"), body),
            client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, true).set("Content-Type",
                "application/json"), body),
            client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, true).set("Content-Type",
                "application/x-www-form-urlencoded; charset=windows-1251"), body),
            client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, false), body),
            client.send(HttpMethod.GET, path, SandboxClient.headers(dialect, false).set("Accept", "json"), null)))
        .compose(all -> {
          for (int i = 0; i < all.size(); i++) {
            assertThat(all.<QiwiReply>resultAt(i).resultCode()).as("violation #" + i).isEqualTo(5);
          }
          return client.status(dialect, "order-5");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.resultCode()).isEqualTo(210);
          ctx.completeNow();
        })));
  }

  /** QIWI's documents: text/json or application/json gives JSON (its PHP example sends the latter), no Accept too. */
  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("Accept application/json, text/json, */* or none at all is answered in JSON with the bill")
  void jsonAccepts(Dialect dialect, VertxTestContext ctx) {
    String body = SandboxClient.form(SandboxClient.billFields(clock));
    java.util.List<String> accepts = java.util.Arrays.asList("application/json", "text/json", "*/*", null);
    java.util.List<Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> sent =
        new java.util.ArrayList<>();
    for (int i = 0; i < accepts.size(); i++) {
      MultiMap headers = SandboxClient.headers(dialect, true);
      if (accepts.get(i) == null) {
        headers.remove("Accept");
      } else {
        headers.set("Accept", accepts.get(i));
      }
      sent.add(client.sendRaw(HttpMethod.PUT, SandboxClient.billPath(dialect, "order-json-" + i), headers, body,
          10_000));
    }
    Future.all(sent).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      for (int i = 0; i < accepts.size(); i++) {
        io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> answer = all.resultAt(i);
        String expectedType = "application/json".equals(accepts.get(i)) ? "application/json" : "text/json";
        assertThat(answer.getHeader("Content-Type")).as("Accept " + accepts.get(i)).startsWith(expectedType);
        QiwiReply reply = new QiwiReply(answer.statusCode(), answer.bodyAsJsonObject());
        assertThat(reply.resultCode()).as("Accept " + accepts.get(i)).isZero();
        assertThat(reply.bill().getString("bill_id")).isEqualTo("order-json-" + i);
      }
      ctx.completeNow();
    })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("Accept text/xml or application/xml is answered in XML: the same response, result_code and bill")
  void xmlAccepts(Dialect dialect, VertxTestContext ctx) {
    String body = SandboxClient.form(SandboxClient.billFields(clock));
    client.sendRaw(HttpMethod.PUT, SandboxClient.billPath(dialect, "order-xml"),
            SandboxClient.headers(dialect, true).set("Accept", "text/xml"), body, 10_000)
        .compose(issued -> {
          ctx.verify(() -> {
            assertThat(issued.getHeader("Content-Type")).startsWith("text/xml");
            assertThat(issued.bodyAsString())
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><result_code>0</result_code><bill>")
                .contains("<bill_id>order-xml</bill_id>", "<amount>10.00</amount>", "<status>waiting</status>");
          });
          return client.sendRaw(HttpMethod.GET, SandboxClient.billPath(dialect, "nobody"),
              SandboxClient.headers(dialect, false).set("Accept", "application/xml"), null, 10_000);
        })
        .onComplete(ctx.succeeding(unknown -> ctx.verify(() -> {
          assertThat(unknown.getHeader("Content-Type")).startsWith("application/xml");
          assertThat(unknown.bodyAsString()).contains("<response><result_code>210</result_code><description>");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a charset-less form content type and an Accept list that includes text/json are accepted")
  void tolerantHeaders(Dialect dialect, VertxTestContext ctx) {
    String path = SandboxClient.billPath(dialect, "order-ok");
    String body = SandboxClient.form(SandboxClient.billFields(clock));
    client.send(HttpMethod.PUT, path, SandboxClient.headers(dialect, true)
            .set("Content-Type", "application/x-www-form-urlencoded")
            .set("Accept", "text/json, application/json;q=0.9"), body)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.resultCode()).isZero();
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a malformed bill_id or refund_id answers 5")
  void badIds(Dialect dialect, VertxTestContext ctx) {
    String longId = "b".repeat(31);
    Future.all(java.util.List.of(
            client.issue(dialect, longId, SandboxClient.billFields(clock)),
            client.status(dialect, "bad!id"),
            client.cancel(dialect, "bad%20id"),
            client.refund(dialect, "order-1", "r-1", "1.00"),
            client.refund(dialect, "order-1", "r123456789", "1.00"),
            client.refundStatus(dialect, "order-1", "r_1")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            assertThat(all.<QiwiReply>resultAt(i).resultCode()).as("id #" + i).isEqualTo(5);
          }
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a cancel body other than status=rejected answers 5, a missing status 341, and the bill keeps waiting")
  void cancelBody(Dialect dialect, VertxTestContext ctx) {
    String path = SandboxClient.billPath(dialect, "order-c");
    MultiMap headers = SandboxClient.headers(dialect, true);
    issued(dialect, "order-c")
        .compose(bill -> Future.all(client.send(HttpMethod.PATCH, path, headers, "status=paid"),
            client.send(HttpMethod.PATCH, path, headers, "status=rejected&amount=1.00"),
            client.send(HttpMethod.PATCH, path, headers, "")))
        .compose(all -> {
          assertThat(all.<QiwiReply>resultAt(0).resultCode()).isEqualTo(5);
          assertThat(all.<QiwiReply>resultAt(1).resultCode()).isEqualTo(5);
          assertThat(all.<QiwiReply>resultAt(2).resultCode()).isEqualTo(341);
          return client.status(dialect, "order-c");
        })
        .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
          assertThat(status.bill().getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  @DisplayName("a refund without amount answers 341, with a malformed amount 5")
  void refundBody(Dialect dialect, VertxTestContext ctx) {
    String path = SandboxClient.refundPath(dialect, "order-rb", "r1");
    MultiMap headers = SandboxClient.headers(dialect, true);
    paid(dialect, "order-rb")
        .compose(bill -> Future.all(client.send(HttpMethod.PUT, path, headers, ""),
            client.send(HttpMethod.PUT, path, headers, "amount=1.005"),
            client.send(HttpMethod.PUT, path, headers, "amount=-1.00"),
            client.send(HttpMethod.PUT, path, headers, "amount=0.00")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<QiwiReply>resultAt(0).resultCode()).isEqualTo(341);
          assertThat(all.<QiwiReply>resultAt(1).resultCode()).isEqualTo(5);
          assertThat(all.<QiwiReply>resultAt(2).resultCode()).isEqualTo(5);
          assertThat(all.<QiwiReply>resultAt(3).resultCode()).isEqualTo(5);
          ctx.completeNow();
        })));
  }
}
