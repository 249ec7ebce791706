package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.polling.KindPoller.PollerMetrics;
import dev.qiwigateway.testing.FreshGateway;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** QIWI's status API fails until the fault is cleared; the poller must wait out the open circuit. */
@FreshGateway("opens the status circuit and counts the poller's checks from zero")
class PollerCircuitTest extends PollerTestBase {

  private static final int BILLS = 12;
  private static final long OPEN_WAIT_MS = 4000;

  @Override
  protected JsonObject settings() {
    // One check at a time: when the circuit opens, no other check of this poller is in flight.
    return super.settings()
        .put("QIWI_BREAKER_OPEN_MS", Long.toString(OPEN_WAIT_MS))
        .put("POLL_CONCURRENCY", "1")
        .put("POLL_BATCH", "20");
  }

  @Test
  @DisplayName("while QIWI's status circuit is open the poller sends nothing and resumes once it may")
  void pausesWhileTheCircuitIsOpen(Vertx vertx, VertxTestContext ctx) {
    long[] before = new long[2];
    sandbox.fault(new JsonObject().put("fault", "http5xx").put("status", 503)
            .put("operations", new JsonArray().add("status")))
        .compose(fault -> issueAll())
        .compose(issued -> Eventually.until(vertx, "the circuit opens and the poller hears of it", PATIENCE,
            () -> Future.succeededFuture(statusCircuitOpen() && polls("bill", "deferred") > 0)))
        .compose(open -> sandbox.stats())
        .compose(stats -> {
          before[0] = sandboxRequests(stats, "status");
          before[1] = circuitOpenRefusals();
          return Eventually.after(vertx, Duration.ofMillis(OPEN_WAIT_MS / 2));
        })
        .compose(window -> sandbox.stats())
        .compose(stats -> {
          ctx.verify(() -> {
            assertThat(sandboxRequests(stats, "status")).as("status requests reaching QIWI while open")
                .isEqualTo(before[0]);
            assertThat(circuitOpenRefusals()).as("the poller does not hammer the open circuit")
                .isEqualTo(before[1]);
            assertThat(polls("bill", "unavailable")).isPositive();
            assertThat(registry().get(PollerMetrics.LAG).tag("kind", "bill").gauge().value())
                .as("seconds the paused checks are overdue").isPositive();
          });
          return sandbox.pay("poll-circuit-0");
        })
        .compose(paid -> sandbox.clearFaults())
        .compose(cleared -> untilBillStatus(vertx, "poll-circuit-0", "paid"))
        .onComplete(ctx.succeeding(resumed -> ctx.verify(() -> {
          assertThat(polls("bill", "changed")).isEqualTo(1.0);
          ctx.completeNow();
        })));
  }

  private Future<Void> issueAll() {
    List<Future<String>> issued = new ArrayList<>();
    for (int i = 0; i < BILLS; i++) {
      issued.add(issue("poll-circuit-" + i, "10.00"));
    }
    return Future.all(issued).mapEmpty();
  }

  private boolean statusCircuitOpen() {
    Gauge open = registry().find("resilience4j.circuitbreaker.state")
        .tag("name", "bill_status").tag("state", "open").gauge();
    return open != null && open.value() == 1.0;
  }

  private long circuitOpenRefusals() {
    Counter refused = registry().find("qiwi.unavailable")
        .tag("operation", "bill_status").tag("reason", "circuit_open").counter();
    return refused == null ? 0 : (long) refused.count();
  }
}
