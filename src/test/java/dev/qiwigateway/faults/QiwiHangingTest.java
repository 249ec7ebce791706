package dev.qiwigateway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayTestBase;
import dev.qiwigateway.testing.MerchantApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * QIWI answers too late or not at all, for as long as the fault lasts. What the resilience and bill
 * tests already prove (retries, 5xx outages opening the circuit, a single hang absorbed by a retry)
 * is not repeated here: these are the slow and hanging variants end to end.
 */
@DisplayName("A gateway whose QIWI is slow or hangs answers in bounded time, protects QIWI and issues each bill once")
@FreshGateway("opens QIWI's circuits and leaves checks hanging, and counts every bill in the database")
class QiwiHangingTest extends GatewayTestBase {

  private static final int TIMEOUT_MS = 300;
  private static final int OPEN_WAIT_MS = 3000;
  /** An answer that waits for a hanging QIWI would never come; this is far above three timed-out attempts. */
  private static final long ANSWER_BOUND_MS = 10_000;
  private static final int POLLED_BILLS = 40;

  @Override
  protected JsonObject settings() {
    return super.settings()
        .put("QIWI_TIMEOUT_MS", Integer.toString(TIMEOUT_MS))
        .put("QIWI_BREAKER_OPEN_MS", Integer.toString(OPEN_WAIT_MS))
        .put("POLL_INTERVAL_MS", "50")
        .put("POLL_BILL_FIRST_DELAY_MS", "100")
        .put("POLL_BILL_MAX_INTERVAL_MS", "200")
        .put("POLL_BATCH", Integer.toString(POLLED_BILLS))
        .put("POLL_CONCURRENCY", "2");
  }

  @Test
  @DisplayName("bills issued while QIWI answers late or never get 503 provider_unavailable in bounded time, the circuit opens, and each key yields exactly one bill once QIWI is back")
  void slowAndHangingIssuesOpenTheCircuitAndResumeOnce(Vertx vertx, VertxTestContext ctx) {
    // First slower than the timeout (QIWI creates the bill after the gateway gave up), then no answer at
    // all although QIWI created the bill: either way the outcome is unknown to the gateway.
    JsonObject late = new JsonObject().put("fault", "latency").put("latencyMs", TIMEOUT_MS * 2)
        .put("operations", new JsonArray().add("issue")).put("count", 3);
    JsonObject hang = new JsonObject().put("fault", "hang").put("applied", true)
        .put("operations", new JsonArray().add("issue"));
    List<String> keys = List.of("slow-1", "hung-2", "hung-3", "hung-4", "while-open");
    sandbox.fault(late)
        .compose(added -> sandbox.fault(hang))
        .compose(added -> timedIssue("slow-1"))
        .compose(slowAnswer -> {
          ctx.verify(() -> assertAnsweredInBoundedTime(slowAnswer));
          return Future.all(keys.subList(1, 4).stream().map(this::timedIssue).toList());
        })
        .compose(hungAnswers -> {
          ctx.verify(() -> hungAnswers.<TimedAnswer>list().forEach(QiwiHangingTest::assertAnsweredInBoundedTime));
          return Eventually.until(vertx, "the issue circuit is open", () -> Future.succeededFuture(issueCircuitOpen()));
        })
        .compose(open -> timedIssue("while-open"))
        .compose(refused -> {
          ctx.verify(() -> {
            assertProviderUnavailable(refused.response());
            assertThat(Integer.parseInt(refused.response().getHeader("Retry-After")))
                .as("the remaining open wait, in seconds").isBetween(1, OPEN_WAIT_MS / 1000);
            assertThat(circuitOpenRefusals()).isPositive();
          });
          return reservedBillOf("while-open");
        })
        // Were it sent, the hanging sandbox would have created it on arrival.
        .compose(reserved -> sandbox.bill(reserved))
        .compose(atQiwi -> {
          ctx.verify(() -> assertThat(atQiwi).as("a bill refused by the open circuit never reached QIWI").isNull());
          return sandbox.clearFaults();
        })
        .compose(healed -> issueEach(new ArrayList<>(keys), new ArrayList<>()))
        .compose(billIds -> {
          ctx.verify(() -> assertThat(billIds).doesNotHaveDuplicates().hasSize(keys.size()));
          return sandboxBills().map(atQiwi -> {
            ctx.verify(() -> assertThat(atQiwi).as("bills at QIWI, one per Idempotency-Key")
                .containsExactlyInAnyOrderElementsOf(billIds));
            return billIds;
          });
        })
        .compose(billIds -> count("SELECT count(*) FROM bill"))
        .onComplete(ctx.succeeding(rows -> ctx.verify(() -> {
          assertThat(rows).as("bill rows in the gateway").isEqualTo((long) keys.size());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("while QIWI's status checks hang the poller keeps few calls going, issuing still works, and polling catches up by itself")
  void hangingStatusChecksDoNotPileUp(Vertx vertx, VertxTestContext ctx) {
    gateway.running().sandbox().sendNotificationsTo(null);
    JsonObject hang = new JsonObject().put("fault", "hang").put("operations", new JsonArray().add("status"));
    sandbox.fault(hang)
        .compose(added -> issueAll(0))
        .compose(issued -> Eventually.until(vertx, "the status circuit is open",
            () -> Future.succeededFuture(statusCircuitOpen())))
        // past the open wait: the poller tries again, half-opens the circuit and is refused again
        .compose(open -> Eventually.after(vertx, Duration.ofMillis(OPEN_WAIT_MS + 1000L)))
        .compose(waited -> sandbox.stats())
        .compose(stats -> {
          long hung = hungStatusChecks(stats);
          ctx.verify(() -> assertThat(hung)
              .as("status calls QIWI received while hanging, for %d waiting bills", POLLED_BILLS)
              .isPositive()
              .isLessThan(POLLED_BILLS));
          return api.post("/v1/bills", "during-hang", MerchantApi.bill("during-hang", "5.00"));
        })
        .compose(issued -> {
          ctx.verify(() -> assertThat(issued.statusCode()).as("hung status calls leave room for issuing: %s",
              issued.bodyAsString()).isEqualTo(201));
          return sandbox.pay("hang-0");
        })
        .compose(paid -> sandbox.clearFaults())
        .compose(healed -> Eventually.until(vertx, "the poller learns that hang-0 was paid",
            () -> count("SELECT count(*) FROM bill WHERE bill_id = 'hang-0' AND status = 'paid'").map(n -> n == 1)))
        .onComplete(ctx.succeedingThenComplete());
  }

  private record TimedAnswer(HttpResponse<Buffer> response, long millis) {
  }

  /** A bill with a generated billId: a retry that invented a new id would show up as a second bill at QIWI. */
  private Future<TimedAnswer> timedIssue(String key) {
    long started = System.nanoTime();
    return api.post("/v1/bills", key, MerchantApi.bill(null, "12.00"))
        .map(response -> new TimedAnswer(response, (System.nanoTime() - started) / 1_000_000));
  }

  /** The checkout retries each key with the same body, honouring Retry-After, until it gets its bill. */
  private Future<List<String>> issueEach(List<String> keys, List<String> billIds) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(billIds);
    }
    return retryUntilCreated(keys.remove(0), 60).compose(billId -> {
      billIds.add(billId);
      return issueEach(keys, billIds);
    });
  }

  private Future<String> retryUntilCreated(String key, int attemptsLeft) {
    return api.post("/v1/bills", key, MerchantApi.bill(null, "12.00")).compose(response -> {
      if (response.statusCode() == 201) {
        return Future.succeededFuture(response.bodyAsJsonObject().getString("billId"));
      }
      // the open circuit's wait, or the background completer finishing the same key meanwhile
      assertThat(response.bodyAsJsonObject().getString("code")).as(response.bodyAsString())
          .isIn("provider_unavailable", "idempotency_key_in_use");
      if (attemptsLeft == 0) {
        return Future.failedFuture(new AssertionError(key + " never created: " + response.bodyAsString()));
      }
      return gateway.vertx().timer(250).compose(t -> retryUntilCreated(key, attemptsLeft - 1));
    });
  }

  private Future<Void> issueAll(int next) {
    if (next == POLLED_BILLS) {
      return Future.succeededFuture();
    }
    return api.post("/v1/bills", "hang-" + next, MerchantApi.bill("hang-" + next, "7.00")).compose(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return issueAll(next + 1);
    });
  }

  private static void assertAnsweredInBoundedTime(TimedAnswer answer) {
    assertProviderUnavailable(answer.response());
    assertThat(answer.millis()).as("answered while QIWI was still sitting on the call").isLessThan(ANSWER_BOUND_MS);
  }

  /** The billId the gateway reserved for a key's bill before asking QIWI. */
  private Future<String> reservedBillOf(String key) {
    return db().preparedQuery("SELECT bill_id FROM bill WHERE created_by_key = $1")
        .execute(io.vertx.sqlclient.Tuple.of(key))
        .map(rows -> rows.iterator().next().getString(0));
  }

  private static void assertProviderUnavailable(HttpResponse<Buffer> response) {
    assertProblem(response, 503, "provider_unavailable");
    assertThat(response.getHeader("Retry-After")).isNotNull();
  }

  private Future<List<String>> sandboxBills() {
    return WebClient.create(gateway.vertx())
        .getAbs(gateway.running().services().config().qiwi().baseUrl() + "/sandbox/bills").send()
        .map(response -> {
          List<String> ids = new ArrayList<>();
          response.bodyAsJsonObject().getJsonArray("bills")
              .forEach(bill -> ids.add(((JsonObject) bill).getString("billId")));
          return ids;
        });
  }

  private MeterRegistry registry() {
    return gateway.running().services().registry();
  }

  private boolean issueCircuitOpen() {
    return circuitOpen("issue_bill");
  }

  private boolean statusCircuitOpen() {
    return circuitOpen("bill_status");
  }

  private boolean circuitOpen(String operation) {
    Gauge open = registry().find("resilience4j.circuitbreaker.state")
        .tag("name", operation).tag("state", "open").gauge();
    return open != null && open.value() == 1.0;
  }

  private long circuitOpenRefusals() {
    Counter refused = registry().find("qiwi.unavailable")
        .tag("operation", "issue_bill").tag("reason", "circuit_open").counter();
    return refused == null ? 0 : (long) refused.count();
  }

  private static long hungStatusChecks(JsonObject stats) {
    JsonObject outcomes = stats.getJsonObject("requests").getJsonObject("status", new JsonObject());
    return outcomes.getLong("fault:hang", 0L);
  }
}
