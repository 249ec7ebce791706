package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.sandbox.protocol.Dialect;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Injected faults hit exactly the matching requests, exactly as many times as configured")
class SandboxFaultInjectionTest extends SandboxTestBase {

  private static final long CLIENT_TIMEOUT_MS = 300;

  private Future<HttpResponse<Buffer>> rawIssue(Dialect dialect, String billId) {
    return client.sendRaw(HttpMethod.PUT, SandboxClient.billPath(dialect, billId),
        SandboxClient.headers(dialect, true), SandboxClient.form(SandboxClient.billFields(clock)), CLIENT_TIMEOUT_MS);
  }

  private Future<HttpResponse<Buffer>> rawStatus(Dialect dialect, String billId) {
    return client.sendRaw(HttpMethod.GET, SandboxClient.billPath(dialect, billId),
        SandboxClient.headers(dialect, false), null, CLIENT_TIMEOUT_MS);
  }

  /** Turns a request's outcome into a value, so that expected failures can be asserted in sequence. */
  private static Future<Object> outcome(Future<HttpResponse<Buffer>> request) {
    return request.<Object>map(response -> response).recover(Future::succeededFuture);
  }

  private static int resultCode(Object outcome) {
    return ((HttpResponse<?>) outcome).bodyAsJsonObject().getJsonObject("response").getInteger("result_code");
  }

  private Future<JsonObject> rule(int id) {
    return client.admin(HttpMethod.GET, "/sandbox/faults", null).map(list -> list.getJsonArray("faults").stream()
        .map(JsonObject.class::cast).filter(rule -> rule.getInteger("id") == id).findFirst().orElseThrow());
  }

  private Future<JsonObject> requestStats(String operation) {
    return client.admin(HttpMethod.GET, "/sandbox/stats", null)
        .map(stats -> stats.getJsonObject("requests").getJsonObject(operation));
  }

  @Test
  @DisplayName("http5xx for the next 2 issue PUTs: two 503s that create nothing, then the bill is issued once")
  void http5xxCount(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "http5xx").put("status", 503).put("count", 2)
            .put("operations", new JsonArray().add("issue")))
        .compose(rule -> rawIssue(Dialect.REST_V3, "order-5xx")
            .compose(first -> rawIssue(Dialect.REST_V3, "order-5xx").map(second -> {
              assertThat(first.statusCode()).isEqualTo(503);
              assertThat(second.statusCode()).isEqualTo(503);
              return rule;
            })))
        .compose(rule -> rawIssue(Dialect.REST_V3, "order-5xx").map(third -> {
          assertThat(third.statusCode()).isEqualTo(200);
          assertThat(resultCode(third)).isZero();
          return rule;
        }))
        .compose(rule -> Future.all(rule(rule.getInteger("id")), client.adminBill("order-5xx"), requestStats("issue")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject rule = all.resultAt(0);
          assertThat(rule.getInteger("fired")).isEqualTo(2);
          assertThat(rule.getBoolean("active")).isFalse();
          assertThat(all.<JsonObject>resultAt(1).getInteger("issueRequests")).isEqualTo(1);
          JsonObject issueStats = all.resultAt(2);
          assertThat(issueStats.getLong("fault:http5xx")).isEqualTo(2);
          assertThat(issueStats.getLong("0")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("result 13 once then result 300 once, in QIWI's JSON shape with HTTP 200, then the real answer")
  void resultCodes(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "result").put("resultCode", 13).put("count", 1))
        .compose(busy -> client.addFault(new JsonObject().put("fault", "result").put("resultCode", 300).put("count", 1)))
        .compose(technical -> outcome(rawStatus(Dialect.PULL_V2, "nobody")))
        .compose(first -> outcome(rawStatus(Dialect.PULL_V2, "nobody")).map(second -> new Object[] {first, second}))
        .compose(two -> outcome(rawStatus(Dialect.REST_V3, "nobody")).map(third -> new Object[] {two[0], two[1], third}))
        .onComplete(ctx.succeeding(three -> ctx.verify(() -> {
          assertThat(((HttpResponse<?>) three[0]).statusCode()).isEqualTo(200);
          assertThat(resultCode(three[0])).isEqualTo(13);
          assertThat(resultCode(three[1])).isEqualTo(300);
          assertThat(resultCode(three[2])).isEqualTo(210);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("hang on the next 2 status calls: both time out at the client, the third is answered; issue is untouched")
  void hangCount(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "hang").put("count", 2)
            .put("operations", new JsonArray().add("status")))
        .compose(rule -> outcome(rawIssue(Dialect.REST_V3, "order-h")))
        .compose(issued -> {
          assertThat(resultCode(issued)).isZero();
          return outcome(rawStatus(Dialect.REST_V3, "order-h"));
        })
        .compose(first -> outcome(rawStatus(Dialect.PULL_V2, "order-h")).map(second -> new Object[] {first, second}))
        .compose(two -> outcome(rawStatus(Dialect.REST_V3, "order-h")).map(third -> new Object[] {two[0], two[1], third}))
        .onComplete(ctx.succeeding(three -> ctx.verify(() -> {
          assertThat(three[0]).isInstanceOf(TimeoutException.class);
          assertThat(three[1]).isInstanceOf(TimeoutException.class);
          assertThat(resultCode(three[2])).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("latency longer than the client's timeout makes that one call time out; the next call is prompt")
  void latencyCount(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "latency").put("latencyMs", 3000).put("count", 1))
        .compose(rule -> outcome(rawStatus(Dialect.REST_V3, "nobody")))
        .compose(first -> outcome(rawStatus(Dialect.REST_V3, "nobody")).map(second -> new Object[] {first, second}))
        .onComplete(ctx.succeeding(two -> ctx.verify(() -> {
          assertThat(two[0]).isInstanceOf(TimeoutException.class);
          assertThat(resultCode(two[1])).isEqualTo(210);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a short latency still ends in the real answer, and the operation takes effect")
  void latencyStillAnswers(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "latency").put("latencyMs", 50).put("count", 1))
        .compose(rule -> client.issue(Dialect.PULL_V2, "order-slow", SandboxClient.billFields(clock)))
        .compose(slow -> {
          assertThat(slow.resultCode()).isZero();
          return rule(1);
        })
        .onComplete(ctx.succeeding(rule -> ctx.verify(() -> {
          assertThat(rule.getInteger("fired")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("drop closes the connection unanswered once; with applied=true the bill exists and the retry finds it")
  void dropApplied(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "drop").put("applied", true).put("count", 1))
        .compose(rule -> outcome(rawIssue(Dialect.REST_V3, "order-d")))
        .compose(dropped -> {
          assertThat(dropped).isInstanceOf(HttpClosedException.class);
          return client.adminBill("order-d");
        })
        .compose(bill -> {
          assertThat(bill.getInteger("issueRequests")).isEqualTo(1);
          return outcome(rawIssue(Dialect.REST_V3, "order-d"));
        })
        .compose(retry -> {
          assertThat(resultCode(retry)).isZero();
          return client.adminBill("order-d");
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getInteger("issueRequests")).isEqualTo(2);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a dropped issue without applied creates nothing")
  void dropNotApplied(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "drop").put("count", 1))
        .compose(rule -> outcome(rawIssue(Dialect.PULL_V2, "order-nd")))
        .compose(dropped -> {
          assertThat(dropped).isInstanceOf(HttpClosedException.class);
          return client.adminRaw(HttpMethod.GET, "/sandbox/bills/order-nd", null);
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.statusCode()).isEqualTo(404);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a refund answered 503 with applied=true was made: re-sending the same refund_id returns it, once")
  void refundLostAnswer(VertxTestContext ctx) {
    client.issue(Dialect.REST_V3, "order-lost", SandboxClient.billFields(clock))
        .compose(bill -> client.admin(HttpMethod.POST, "/sandbox/bills/order-lost/pay", null))
        .compose(paid -> client.addFault(new JsonObject().put("fault", "http5xx").put("status", 502)
            .put("applied", true).put("count", 1).put("operations", new JsonArray().add("refund"))))
        .compose(rule -> client.sendRaw(HttpMethod.PUT, SandboxClient.refundPath(Dialect.REST_V3, "order-lost", "r1"),
            SandboxClient.headers(Dialect.REST_V3, true), "amount=10.00", CLIENT_TIMEOUT_MS))
        .compose(lost -> {
          assertThat(lost.statusCode()).isEqualTo(502);
          return client.refund(Dialect.REST_V3, "order-lost", "r1", "10.00");
        })
        .compose(retry -> {
          assertThat(retry.resultCode()).isZero();
          return client.adminBill("order-lost");
        })
        .onComplete(ctx.succeeding(bill -> ctx.verify(() -> {
          assertThat(bill.getJsonArray("refunds")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a rule for one dialect without a count hits only that dialect, every time, until the faults are cleared")
  void dialectUntilCleared(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "result").put("resultCode", 13).put("dialect", "pull-v2"))
        .compose(rule -> Future.all(java.util.List.of(outcome(rawStatus(Dialect.PULL_V2, "x")),
            outcome(rawStatus(Dialect.PULL_V2, "x")), outcome(rawStatus(Dialect.PULL_V2, "x")),
            outcome(rawStatus(Dialect.REST_V3, "x")))))
        .compose(all -> {
          for (int i = 0; i < 3; i++) {
            assertThat(resultCode(all.resultAt(i))).isEqualTo(13);
          }
          assertThat(resultCode(all.resultAt(3))).isEqualTo(210);
          return client.adminRaw(HttpMethod.DELETE, "/sandbox/faults", null);
        })
        .compose(cleared -> outcome(rawStatus(Dialect.PULL_V2, "x")))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertThat(resultCode(after)).isEqualTo(210);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("malformed fault rules are refused with 400 and a message, and add nothing")
  void badRules(VertxTestContext ctx) {
    var bad = java.util.List.of(
        new JsonObject(),
        new JsonObject().put("fault", "explode"),
        new JsonObject().put("fault", "latency"),
        new JsonObject().put("fault", "latency").put("latencyMs", -1),
        new JsonObject().put("fault", "http5xx").put("status", 404),
        new JsonObject().put("fault", "result").put("resultCode", 0),
        new JsonObject().put("fault", "result").put("resultCode", 12345),
        new JsonObject().put("fault", "hang").put("count", 0),
        new JsonObject().put("fault", "hang").put("operations", new JsonArray().add("pay")),
        new JsonObject().put("fault", "hang").put("dialect", "v4"),
        new JsonObject().put("fault", "hang").put("latencyMs", 5),
        new JsonObject().put("fault", "duplicates").put("operations", new JsonArray().add("issue")),
        new JsonObject().put("fault", "duplicates").put("copies", 1));
    Future.all(bad.stream().map(rule -> client.adminRaw(HttpMethod.POST, "/sandbox/faults", rule)).toList())
        .compose(all -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> answer = all.resultAt(i);
            assertThat(answer.statusCode()).as("rule " + bad.get(i)).isEqualTo(400);
            assertThat(answer.bodyAsJsonObject().getString("error")).isNotBlank();
          }
          return client.admin(HttpMethod.GET, "/sandbox/faults", null);
        })
        .onComplete(ctx.succeeding(list -> ctx.verify(() -> {
          assertThat(list.getJsonArray("faults")).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a single rule can be removed by id while the others stay")
  void removeOneRule(VertxTestContext ctx) {
    client.addFault(new JsonObject().put("fault", "hang"))
        .compose(first -> client.addFault(new JsonObject().put("fault", "drop")))
        .compose(second -> client.adminRaw(HttpMethod.DELETE, "/sandbox/faults/1", null))
        .compose(removed -> {
          assertThat(removed.statusCode()).isEqualTo(200);
          return client.adminRaw(HttpMethod.DELETE, "/sandbox/faults/1", null);
        })
        .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
          assertThat(again.statusCode()).isEqualTo(404);
          ctx.completeNow();
        })));
  }
}
