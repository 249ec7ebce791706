package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * QIWI refusing the gateway itself (issue 12: a prod gateway with a wrong QIWI_API_SECRET) is the
 * operator's problem, not the buyer's: the checkout gets a 503 to retry, nothing is stored as the key's
 * answer, the billId is not burned, and the operators get a metric (and one ERROR line).
 */
@FreshGateway("counts qiwi_integration_refused_total from zero")
class IntegrationRefusedTest extends GatewayTestBase {

  @Test
  @DisplayName("a credential refusal (150) answers 503 unavailable, is not stored, and the same key issues the bill once QIWI accepts")
  void credentialRefusalIsRetryable(VertxTestContext ctx) {
    JsonObject bill = MerchantApi.bill("creds-1", "10.00");
    sandbox.fault(new JsonObject().put("fault", "result").put("resultCode", 150).put("operations", List.of("issue"))
            .put("count", 2))
        .compose(added -> api.post("/v1/bills", "creds-key", bill))
        .compose(first -> {
          ctx.verify(() -> {
            assertProblem(first, 503, "unavailable");
            assertThat(Integer.parseInt(first.getHeader("Retry-After"))).isPositive();
          });
          return api.post("/v1/bills", "creds-other-key", bill);
        })
        .compose(otherKey -> {
          // the first key's issue is still pending (invisible, resumable), so the id is held, not burned
          ctx.verify(() -> assertProblem(otherKey, 409, "bill_exists"));
          return api.post("/v1/bills", "creds-key", bill);
        })
        .compose(second -> {
          ctx.verify(() -> assertProblem(second, 503, "unavailable"));
          return metrics();
        })
        .compose(metrics -> {
          ctx.verify(() -> assertThat(metrics).containsPattern(
              "qiwi_integration_refused_total\\{[^}]*operation=\"issue_bill\"[^}]*} 2\\.0"));
          return api.post("/v1/bills", "creds-key", bill);
        })
        .compose(fixed -> {
          ctx.verify(() -> {
            assertThat(fixed.statusCode()).as(fixed.bodyAsString()).isEqualTo(201);
            assertThat(fixed.getHeader("Idempotent-Replayed")).isNull();
            assertThat(fixed.bodyAsJsonObject().getString("billId")).isEqualTo("creds-1");
          });
          return sandbox.bill("creds-1");
        })
        .onComplete(ctx.succeeding(atQiwi -> ctx.verify(() -> {
          assertThat(atQiwi.getString("status")).isEqualTo("waiting");
          ctx.completeNow();
        })));
  }

  private Future<String> metrics() {
    return gateway.vertx().createHttpClient()
        .request(HttpMethod.GET, gateway.running().managementPort(), "127.0.0.1", "/metrics")
        .compose(request -> request.send().compose(response -> response.body()))
        .map(Object::toString);
  }
}
