package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.qiwi.QiwiClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an operator sees on /metrics about QIWI's health, read from a real Prometheus scrape. */
@ExtendWith(VertxExtension.class)
class ResilienceMetricsTest {

  @Test
  @DisplayName("a Prometheus scrape shows each operation's circuit state, the retries made and why calls were refused")
  void scrapeShowsCircuitsRetriesAndRefusals(Vertx vertx, VertxTestContext ctx) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ResilienceSettings settings = ResilienceSettings.defaults(30_000, SandboxQiwi.CLIENT_TIMEOUT_MS)
        .withBreakerWindow(Duration.ofSeconds(10), 100)
        .withConsecutiveFailures(2)
        .withRetries(2, Duration.ofMillis(5), Duration.ofMillis(20));
    ResilientCallGuard guard = new ResilientCallGuard(vertx, settings, registry);
    // Issue: one 503, one retry, success. Status: two calls of two failed attempts each open the
    // circuit, which refuses the third call.
    SandboxQiwi.start(vertx).compose(sandbox -> {
      QiwiClient qiwi = sandbox.client(guard, registry);
      return sandbox.addFault(SandboxQiwi.fault("http5xx", "issue").put("count", 1))
          .compose(rule -> qiwi.issueBill(SandboxQiwi.order("order-7401")))
          .compose(issued -> sandbox.addFault(SandboxQiwi.fault("http5xx", "status")))
          .compose(rule -> qiwi.billStatus("order-7401").recover(unavailable -> Future.succeededFuture()))
          .compose(failed -> qiwi.billStatus("order-7401").recover(opened -> Future.succeededFuture()))
          .compose(opened -> qiwi.billStatus("order-7401").recover(refused -> Future.succeededFuture()));
    }).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
      String scrape = registry.scrape();
      assertThat(scrape)
          .contains("resilience4j_circuitbreaker_state{name=\"bill_status\",state=\"open\"} 1.0")
          .contains("resilience4j_circuitbreaker_state{name=\"issue_bill\",state=\"closed\"} 1.0")
          .contains("resilience4j_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"bill_status\"} 2")
          .contains("resilience4j_circuitbreaker_calls_seconds_count{kind=\"successful\",name=\"issue_bill\"} 1")
          .contains("qiwi_retries_total{operation=\"issue_bill\"} 1.0")
          .contains("qiwi_retries_total{operation=\"bill_status\"} 2.0")
          .contains("qiwi_unavailable_total{operation=\"bill_status\",reason=\"retries_exhausted\"} 2.0")
          .contains("qiwi_unavailable_total{operation=\"bill_status\",reason=\"circuit_open\"} 1.0")
          .contains("qiwi_unavailable_total{operation=\"refund\",reason=\"rate_limited\"} 0.0")
          .contains("resilience4j_bulkhead_available_concurrent_calls{name=\"qiwi\"} 64.0");
      registry.close();
      ctx.completeNow();
    })));
  }
}
