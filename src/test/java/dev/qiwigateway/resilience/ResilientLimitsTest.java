package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.qiwi.QiwiException;
import dev.qiwigateway.resilience.QiwiUnavailable.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The account-wide limits: retry budget, bulkhead and rate limiter, counted at the sandbox. */
@ExtendWith(VertxExtension.class)
class ResilientLimitsTest {

  /** A circuit that never opens in these tests, so that only the limit under test acts. */
  private static final ResilienceSettings SETTINGS = ResilienceSettings.defaults(30_000, SandboxQiwi.CLIENT_TIMEOUT_MS)
      .withBreakerWindow(Duration.ofSeconds(10), 100)
      .withConsecutiveFailures(100)
      .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20));

  private Vertx vertx;
  private SandboxQiwi sandbox;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void startSandbox(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    registry = new SimpleMeterRegistry();
    SandboxQiwi.start(vertx).onComplete(ctx.succeeding(started -> {
      sandbox = started;
      ctx.completeNow();
    }));
  }

  private QiwiClient client(ResilienceSettings settings) {
    return sandbox.client(new ResilientCallGuard(vertx, settings, registry), registry);
  }

  /** How a call ended: "ok", "rejected", or the reason it was unavailable. */
  private static Future<String> outcome(Future<?> call) {
    return call.transform(result -> {
      if (result.succeeded()) {
        return Future.succeededFuture("ok");
      }
      if (result.cause() instanceof QiwiUnavailable unavailable) {
        return Future.succeededFuture(unavailable.reason().name());
      }
      if (result.cause() instanceof QiwiException.Rejection) {
        return Future.succeededFuture("rejected");
      }
      return Future.failedFuture(result.cause());
    });
  }

  private static Map<String, Long> tally(List<String> outcomes) {
    return outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  @DisplayName("in an outage the retry budget lets retries add only 20% plus a floor of two to the calls made")
  void retryBudgetCapsRetries(VertxTestContext ctx) {
    int calls = 10;
    int floor = 2;
    int percent = 20;
    QiwiClient qiwi = client(SETTINGS.withRetryBudget(percent, floor, Duration.ofMinutes(1)));
    List<String> outcomes = new ArrayList<>();
    Future<Void> chain = sandbox.addFault(SandboxQiwi.fault("http5xx", "status")).mapEmpty();
    for (int i = 0; i < calls; i++) {
      chain = chain.compose(v -> outcome(qiwi.billStatus("order-7301")).map(outcome -> {
        outcomes.add(outcome);
        return null;
      }));
    }
    chain.compose(v -> sandbox.requests("status"))
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          long allowedRetries = floor + calls * percent / 100;
          assertThat(requests).as("first attempts plus the retries the budget allowed")
              .isEqualTo(calls + allowedRetries);
          assertThat(requests).as("without a budget").isLessThan(calls * 3L);
          assertThat(registry.get(ResilienceMetrics.RETRIES).tag("operation", "bill_status").counter().count())
              .isEqualTo((double) allowedRetries);
          assertThat(tally(outcomes)).containsOnlyKeys(Reason.RETRIES_EXHAUSTED.name(),
                  Reason.RETRY_BUDGET_EXHAUSTED.name())
              .containsEntry(Reason.RETRIES_EXHAUSTED.name(), 1L);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with two calls in flight a third is refused at once by the bulkhead, and the slots come back")
  void bulkheadRefusesBeyondItsSlots(VertxTestContext ctx) {
    QiwiClient qiwi = client(SETTINGS.withMaxConcurrentCalls(2));
    qiwi.issueBill(SandboxQiwi.order("order-7302"))
        .compose(issued -> sandbox.addFault(SandboxQiwi.fault("latency", "status").put("latencyMs", 300)))
        .compose(slowed -> Future.all(List.of(
            outcome(qiwi.billStatus("order-7302")),
            outcome(qiwi.billStatus("order-7302")),
            outcome(qiwi.billStatus("order-7302")))))
        .compose(all -> {
          ctx.verify(() -> assertThat(tally(all.list()))
              .containsEntry("ok", 2L).containsEntry(Reason.BULKHEAD_FULL.name(), 1L));
          return sandbox.clearFaults();
        })
        .compose(cleared -> qiwi.billStatus("order-7302"))
        .compose(afterwards -> sandbox.requests("status"))
        .onComplete(ctx.succeeding(requests -> ctx.verify(() -> {
          assertThat(requests).as("the refused call never reached QIWI").isEqualTo(3);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("at one call per second and no waiting, a burst of four gets at most two calls through")
  void rateLimiterRefusesWithoutWaiting(VertxTestContext ctx) {
    QiwiClient qiwi = client(SETTINGS.withRateLimit(1, Duration.ZERO));
    List<Future<String>> burst = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(outcome(qiwi.billStatus("no-such-bill")));
    }
    Future.all(burst)
        .compose(all -> sandbox.requests("status").map(requests -> {
          Map<String, Long> tally = tally(all.list());
          // A burst takes far less than a second, so it spans at most two rate-limit periods.
          assertThat(tally).containsOnlyKeys("rejected", Reason.RATE_LIMITED.name());
          assertThat(tally.get(Reason.RATE_LIMITED.name())).isGreaterThanOrEqualTo(2);
          assertThat(requests).isEqualTo(tally.get("rejected"));
          return requests;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("at one call per second with room to wait, a second call is delayed to the next second, not refused")
  void rateLimiterDelaysWithinItsBound(VertxTestContext ctx) {
    QiwiClient qiwi = client(SETTINGS.withRateLimit(1, Duration.ofSeconds(3)));
    Future.all(outcome(qiwi.billStatus("no-such-bill")), outcome(qiwi.billStatus("no-such-bill")))
        .compose(all -> sandbox.requests("status").map(requests -> {
          assertThat(all.<String>list()).containsExactly("rejected", "rejected");
          assertThat(requests).isEqualTo(2);
          assertThat(registry.get(ResilienceMetrics.UNAVAILABLE).tag("reason", "rate_limited").counters())
              .allSatisfy(counter -> assertThat(counter.count()).isZero());
          return requests;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("the limits belong to the account: a busy status check takes the slot an issue call would need")
  void limitsAreSharedAcrossOperations(VertxTestContext ctx) {
    QiwiClient qiwi = client(SETTINGS.withMaxConcurrentCalls(1));
    sandbox.addFault(SandboxQiwi.fault("latency", "status").put("latencyMs", 300))
        .compose(slowed -> Future.all(
            outcome(qiwi.billStatus("no-such-bill")),
            outcome(qiwi.issueBill(SandboxQiwi.order("order-7303")))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<String>resultAt(0)).isEqualTo("rejected");
          assertThat(all.<String>resultAt(1)).isEqualTo(Reason.BULKHEAD_FULL.name());
          assertThat(registry.get(ResilienceMetrics.UNAVAILABLE)
              .tag("operation", QiwiOperation.ISSUE_BILL.metricName()).tag("reason", "bulkhead_full")
              .counter().count()).isEqualTo(1.0);
          ctx.completeNow();
        })));
  }
}
