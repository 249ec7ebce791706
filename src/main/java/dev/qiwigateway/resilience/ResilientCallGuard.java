package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.QiwiCallGuard;
import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.work.PeriodicTask.Backoff;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The production {@link QiwiCallGuard} of one QIWI account (docs/architecture.md#resilience-around-qiwi): a circuit breaker per
 * operation, and one retry policy, retry budget, rate limiter and bulkhead shared by every caller of
 * the account (API verticles, poller, refreshes) on whatever event loop they run. Only the
 * non-blocking Resilience4j APIs are used and every wait is a Vert.x timer on the caller's context,
 * so nothing here needs a thread of its own. A call ends with the answer, the QIWI failure that
 * repeating cannot fix (a final result code, a bad argument), or {@link QiwiUnavailable}.
 */
public final class ResilientCallGuard implements QiwiCallGuard {

  private static final String ACCOUNT = "qiwi";

  private final Vertx vertx;
  private final Map<QiwiOperation, OperationCircuit> circuits = new EnumMap<>(QiwiOperation.class);
  private final Retry retry;
  private final RetryBudget retryBudget;
  private final RateLimiter rateLimiter;
  private final Bulkhead bulkhead;
  private final ResilienceMetrics metrics;

  public ResilientCallGuard(Vertx vertx, ResilienceSettings settings, MeterRegistry registry) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(registry, "registry");
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(breakerConfig(settings));
    for (QiwiOperation operation : QiwiOperation.values()) {
      circuits.put(operation, new OperationCircuit(operation,
          breakers.circuitBreaker(operation.metricName()), settings.breakerOpenWait(),
          settings.breakerConsecutiveFailures()));
    }
    retry = Retry.of(ACCOUNT, retryConfig(settings));
    retryBudget = new RetryBudget(settings.retryBudgetPercent(), settings.retryBudgetMinRetries(),
        settings.retryBudgetWindow(), System::nanoTime);
    RateLimiterRegistry rateLimiters = RateLimiterRegistry.of(rateLimiterConfig(settings));
    rateLimiter = rateLimiters.rateLimiter(ACCOUNT);
    BulkheadRegistry bulkheads = BulkheadRegistry.of(bulkheadConfig(settings));
    bulkhead = bulkheads.bulkhead(ACCOUNT);
    metrics = new ResilienceMetrics(registry);
    ResilienceMetrics.bind(registry, breakers, bulkheads, rateLimiters);
  }

  @Override
  public <T> Future<T> call(QiwiOperation operation, Supplier<Future<T>> attempt) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(attempt, "attempt");
    return new GuardedCall<>(this, operation, attempt).start();
  }

  /** The circuit state of one operation, for readiness reports and tests. */
  public CircuitBreaker.State circuitState(QiwiOperation operation) {
    return circuits.get(operation).state();
  }

  Vertx vertx() {
    return vertx;
  }

  OperationCircuit circuit(QiwiOperation operation) {
    return circuits.get(operation);
  }

  Retry retry() {
    return retry;
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  RateLimiter rateLimiter() {
    return rateLimiter;
  }

  Bulkhead bulkhead() {
    return bulkhead;
  }

  ResilienceMetrics metrics() {
    return metrics;
  }

  /**
   * Every value explicit: Resilience4j's defaults (window 100, no slow-call limit, a scheduler thread
   * for the open-to-half-open move) are not what a payment path wants. The window is one of time, so
   * that a trickle of calls never reaches the minimum with stale failures of long ago, and an outage at
   * checkout rates reaches it within seconds; it holds calls, each recorded once by {@link GuardedCall}.
   */
  private static CircuitBreakerConfig breakerConfig(ResilienceSettings settings) {
    return CircuitBreakerConfig.custom()
        .slidingWindow((int) settings.breakerWindow().toSeconds(), settings.breakerMinimumCalls(),
            SlidingWindowType.TIME_BASED)
        .failureRateThreshold(settings.breakerFailureRatePercent())
        .slowCallDurationThreshold(settings.slowCallThreshold())
        .slowCallRateThreshold(settings.slowCallRatePercent())
        .waitDurationInOpenState(settings.breakerOpenWait())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
        .maxWaitDurationInHalfOpenState(Duration.ZERO)
        .recordException(OperationCircuit::countsAgainstQiwi)
        .writableStackTraceEnabled(false)
        .build();
  }

  private static RetryConfig retryConfig(ResilienceSettings settings) {
    return RetryConfig.custom()
        .maxAttempts(settings.maxAttempts())
        .intervalFunction(new Backoff(settings.backoffInitial(), settings.backoffMax())::delayMs)
        .retryOnException(OperationCircuit::worthRetrying)
        .failAfterMaxAttempts(false)
        .writableStackTraceEnabled(false)
        .build();
  }

  private static RateLimiterConfig rateLimiterConfig(ResilienceSettings settings) {
    return RateLimiterConfig.custom()
        .limitForPeriod(settings.callsPerSecond())
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(settings.rateLimitMaxWait())
        .writableStackTraceEnabled(false)
        .build();
  }

  private static BulkheadConfig bulkheadConfig(ResilienceSettings settings) {
    // No waiting for a slot: a waiting bulkhead blocks the calling thread, here an event loop.
    return BulkheadConfig.custom()
        .maxConcurrentCalls(settings.maxConcurrentCalls())
        .maxWaitDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build();
  }
}
