package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiOperation;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The guard's meters: Resilience4j's own (circuit state and calls per operation, bulkhead and rate
 * limiter of the account) and two counters of ours, {@code qiwi.retries} and {@code qiwi.unavailable}.
 * Every series is registered up front so that a scrape shows zeros rather than nothing.
 */
final class ResilienceMetrics {

  static final String RETRIES = "qiwi.retries";
  static final String UNAVAILABLE = "qiwi.unavailable";

  private final Map<QiwiOperation, Counter> retries = new EnumMap<>(QiwiOperation.class);
  private final Map<QiwiOperation, Map<QiwiUnavailable.Reason, Counter>> unavailable =
      new EnumMap<>(QiwiOperation.class);

  ResilienceMetrics(MeterRegistry registry) {
    for (QiwiOperation operation : QiwiOperation.values()) {
      retries.put(operation, Counter.builder(RETRIES)
          .description("QIWI attempts repeated after a retryable failure")
          .tag("operation", operation.metricName())
          .register(registry));
      Map<QiwiUnavailable.Reason, Counter> byReason = new EnumMap<>(QiwiUnavailable.Reason.class);
      for (QiwiUnavailable.Reason reason : QiwiUnavailable.Reason.values()) {
        byReason.put(reason, Counter.builder(UNAVAILABLE)
            .description("QIWI calls that ended without a usable answer, by reason")
            .tag("operation", operation.metricName())
            .tag("reason", reason.metricName())
            .register(registry));
      }
      unavailable.put(operation, byReason);
    }
  }

  static void bind(MeterRegistry registry, CircuitBreakerRegistry circuits, BulkheadRegistry bulkheads,
      RateLimiterRegistry rateLimiters) {
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuits).bindTo(registry);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
    TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimiters).bindTo(registry);
  }

  void retried(QiwiOperation operation) {
    retries.get(operation).increment();
  }

  void unavailable(QiwiOperation operation, QiwiUnavailable.Reason reason) {
    unavailable.get(operation).get(reason).increment();
  }
}
