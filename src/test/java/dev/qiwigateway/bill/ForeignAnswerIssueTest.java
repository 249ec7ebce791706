package dev.qiwigateway.bill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Something in front of QIWI answers an issue with an HTML 404 instead of a QIWI answer, every time.
 * The request fails after its bounded retries with a stored 502, and nothing sends it again: not the
 * merchant's retry with the same key, and not the completer (it re-sent such an issue for minutes).
 */
@FreshGateway("its QIWI is a server that never answers in QIWI's format")
class ForeignAnswerIssueTest extends GatewayTestBase {

  private static final JsonObject BODY = MerchantApi.bill("foreign-1", "150.00");
  private static final String KEY = "foreign-key";
  private static final AtomicInteger REQUESTS = new AtomicInteger();
  private static Vertx foreignVertx;
  private static HttpServer notQiwi;

  @BeforeAll
  static void startSomethingThatIsNotQiwi() {
    foreignVertx = Vertx.vertx();
    notQiwi = foreignVertx.createHttpServer()
        .requestHandler(request -> {
          REQUESTS.incrementAndGet();
          request.response().setStatusCode(404).putHeader("Content-Type", "text/html")
              .end("<html><body><h1>404 Not Found</h1></body></html>");
        })
        .listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stopIt() {
    foreignVertx.close().await();
  }

  @Override
  protected JsonObject settings() {
    return super.settings()
        .put("QIWI_BASE_URL", "http://127.0.0.1:" + notQiwi.actualPort())
        .put("QIWI_PAY_URL", "http://127.0.0.1:" + notQiwi.actualPort() + "/pay")
        // the completer runs when the test says so
        .put("IDEMPOTENCY_COMPLETER_PERIOD_MS", "3600000");
  }

  @Test
  @DisplayName("an issue answered by an HTML 404 on every attempt is a stored 502 provider_error that nobody re-sends")
  void foreignAnswerIsFinalForThatIssue(VertxTestContext ctx) {
    api.post("/v1/bills", KEY, BODY)
        .compose(first -> {
          ctx.verify(() -> {
            assertProblem(first, 502, "provider_error");
            assertThat(REQUESTS.get()).as("the guard's bounded attempts").isEqualTo(3);
          });
          return gateway.running().services().idempotencyCompleter().runOnce();
        })
        .compose(finished -> {
          ctx.verify(() -> {
            assertThat(finished).as("nothing was left for the completer").isZero();
            assertThat(REQUESTS.get()).as("the completer sent nothing").isEqualTo(3);
          });
          return api.post("/v1/bills", KEY, BODY);
        })
        .onComplete(ctx.succeeding(retry -> ctx.verify(() -> {
          assertProblem(retry, 502, "provider_error");
          assertThat(retry.getHeader("Idempotent-Replayed")).isEqualTo("true");
          assertThat(REQUESTS.get()).as("the retry got the stored answer").isEqualTo(3);
          ctx.completeNow();
        })));
  }
}
