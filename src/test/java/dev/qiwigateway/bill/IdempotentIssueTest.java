package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkout may retry any call at any time: never a second bill at QIWI. */
@FreshGateway("QIWI's faults feed the issue circuit and the retry budget, whose state would carry over; "
    + "the parameterized cases reuse one key and bill; one test counts every issue request at QIWI")
class IdempotentIssueTest extends GatewayTestBase {

  @Override
  protected JsonObject settings() {
    return super.settings().put("QIWI_TIMEOUT_MS", "1000").put("QIWI_BREAKER_OPEN_MS", "500");
  }

  @Test
  @DisplayName("50 concurrent identical requests with one new key make exactly one PUT at QIWI")
  void concurrentIdenticalRequests(VertxTestContext ctx) {
    JsonObject body = MerchantApi.bill("burst-1", "250.00");
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(api.post("/v1/bills", "burst-key", body));
    }
    Future.all(answers)
        .compose(all -> {
          ctx.verify(() -> {
            int created = 0;
            for (Future<HttpResponse<Buffer>> answer : answers) {
              HttpResponse<Buffer> response = answer.result();
              if (response.statusCode() == 201) {
                created++;
                assertThat(response.bodyAsJsonObject().getString("billId")).isEqualTo("burst-1");
              } else {
                assertProblem(response, 409, "idempotency_key_in_use");
                assertThat(response.getHeader("Retry-After")).isEqualTo("1");
              }
            }
            assertThat(created).isPositive();
          });
          return sandbox.stats();
        })
        .compose(stats -> {
          ctx.verify(() -> assertThat(issueRequests(stats)).isEqualTo(1));
          return sandbox.bill("burst-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getInteger("issueRequests")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"fault\":\"http5xx\",\"status\":503,\"operations\":[\"issue\"],\"count\":2}",
      "{\"fault\":\"http5xx\",\"status\":500,\"operations\":[\"issue\"],\"count\":2,\"applied\":true}",
      "{\"fault\":\"result\",\"resultCode\":300,\"operations\":[\"issue\"],\"count\":2}",
      "{\"fault\":\"result\",\"resultCode\":13,\"operations\":[\"issue\"],\"count\":1}",
      "{\"fault\":\"hang\",\"operations\":[\"issue\"],\"count\":1,\"applied\":true}",
      "{\"fault\":\"drop\",\"operations\":[\"issue\"],\"count\":2,\"applied\":true}"
  })
  @DisplayName("with QIWI failing the first calls the bill is still issued, exactly once")
  void survivesTransientFaults(String rule, VertxTestContext ctx) {
    sandbox.fault(new JsonObject(rule))
        .compose(added -> api.post("/v1/bills", "flaky-key", MerchantApi.bill("flaky-1", "99.99")))
        .compose(created -> {
          ctx.verify(() -> assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201));
          return sandbox.bill("flaky-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi).isNotNull();
          assertThat(atQiwi.getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with QIWI down the API answers 503 provider_unavailable, then the same key issues the same bill once QIWI heals")
  void outageThenRecovery(VertxTestContext ctx) {
    JsonObject body = MerchantApi.bill(null, "10.00");
    sandbox.fault(new JsonObject().put("fault", "http5xx").put("status", 503).put("operations", List.of("issue")))
        .compose(down -> api.post("/v1/bills", "outage-key", body))
        .compose(first -> {
          ctx.verify(() -> {
            assertProblem(first, 503, "provider_unavailable");
            assertThat(Integer.parseInt(first.getHeader("Retry-After"))).isPositive();
          });
          return repeat(body, 6);
        })
        .compose(repeated -> gateway.vertx().createHttpClient()
            .request(io.vertx.core.http.HttpMethod.GET, gateway.running().managementPort(), "127.0.0.1", "/metrics")
            .compose(request -> request.send().compose(response -> response.body())))
        .compose(metrics -> {
          ctx.verify(() -> assertThat(metrics.toString()).containsPattern(
              "qiwi_unavailable_total\\{[^}]*operation=\"issue_bill\"[^}]*reason=\"circuit_open\"[^}]*} [1-9]"));
          return sandbox.clearFaults();
        })
        .compose(healed -> retryUntilCreated(body, 20))
        .compose(created -> {
          String billId = created.bodyAsJsonObject().getString("billId");
          ctx.verify(() -> assertThat(billId).startsWith("b_"));
          return sandbox.bill(billId);
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  /** Retries during the outage: each answered 503, until the breaker opens and answers without calling QIWI. */
  private Future<Void> repeat(JsonObject body, int times) {
    if (times == 0) {
      return Future.succeededFuture();
    }
    return api.post("/v1/bills", "outage-key", body).compose(response -> {
      assertProblem(response, 503, "provider_unavailable");
      return repeat(body, times - 1);
    });
  }

  /** The checkout's retry loop: same key, same body, honouring Retry-After (bounded). */
  private Future<HttpResponse<Buffer>> retryUntilCreated(JsonObject body, int attemptsLeft) {
    return api.post("/v1/bills", "outage-key", body).compose(response -> {
      if (response.statusCode() == 201 || attemptsLeft == 0) {
        return Future.succeededFuture(response);
      }
      long waitMs = response.getHeader("Retry-After") == null ? 200 : 250;
      return gateway.vertx().timer(waitMs).compose(t -> retryUntilCreated(body, attemptsLeft - 1));
    });
  }

  static long issueRequests(JsonObject stats) {
    JsonObject issue = stats.getJsonObject("requests").getJsonObject("issue", new JsonObject());
    return issue.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }
}
