package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A call the gateway's own per-replica rate limit (QIWI_CALLS_PER_SECOND) refuses never reached QIWI: like an
 * open circuit it is 503 provider_unavailable with Retry-After (contract: idempotency, outcome unknown), not
 * stored, and the same key issues the bill once the limit allows (issue 12: the README said unavailable).
 */
class RateLimitedIssueTest extends GatewayTestBase {

  private static final int BURST = 8;

  @Override
  protected JsonObject settings() {
    return super.settings().put("QIWI_CALLS_PER_SECOND", "1");
  }

  @Test
  @DisplayName("a burst past the rate limit: the refused creates answer 503 provider_unavailable with Retry-After, and their keys issue their own bill later")
  void refusedByTheRateLimit(Vertx vertx, VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(api.post("/v1/bills", "limited-key-" + i, MerchantApi.bill("limited-" + i, "10.00")));
    }
    Future.join(burst).compose(answered -> {
      List<Integer> refused = new ArrayList<>();
      ctx.verify(() -> {
        for (int i = 0; i < BURST; i++) {
          HttpResponse<Buffer> answer = burst.get(i).result();
          if (answer.statusCode() == 201) {
            continue;
          }
          assertProblem(answer, 503, "provider_unavailable");
          assertThat(Integer.parseInt(answer.getHeader("Retry-After"))).isPositive();
          refused.add(i);
        }
        assertThat(refused).as("creates refused by a limit of 1 call a second").isNotEmpty();
      });
      return retryEach(vertx, refused, 0);
    }).onComplete(ctx.succeedingThenComplete());
  }

  /** One refused key after the other, each after a second of the limit has passed, until each is issued. */
  private Future<Void> retryEach(Vertx vertx, List<Integer> refused, int next) {
    if (next == refused.size()) {
      return Future.succeededFuture();
    }
    int i = refused.get(next);
    // The background completer may have finished the pending issue first: then the retry is its replay.
    return retryUntilIssued(vertx, i, 10).compose(issued -> {
      assertThat(issued.bodyAsJsonObject().getString("billId")).isEqualTo("limited-" + i);
      return retryEach(vertx, refused, next + 1);
    });
  }

  private Future<HttpResponse<Buffer>> retryUntilIssued(Vertx vertx, int i, int attemptsLeft) {
    Promise<Long> waited = Promise.promise();
    vertx.setTimer(1_100, waited::complete);
    return waited.future()
        .compose(timer -> api.post("/v1/bills", "limited-key-" + i, MerchantApi.bill("limited-" + i, "10.00")))
        .compose(answer -> {
          if (answer.statusCode() == 201) {
            return Future.succeededFuture(answer);
          }
          assertProblem(answer, 503, "provider_unavailable");
          return attemptsLeft > 1 ? retryUntilIssued(vertx, i, attemptsLeft - 1)
              : Future.failedFuture(new AssertionError("limited-key-" + i + " never issued"));
        });
  }
}
