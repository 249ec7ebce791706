package dev.qiwigateway.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the gateway protects itself and QIWI around every QIWI call (docs/architecture.md#resilience-around-qiwi). The per-attempt
 * timeout is the client's ({@code QIWI_TIMEOUT_MS}); everything else is here.
 *
 * <p>The circuit judges <em>calls</em>, each by its outcome after its own retries, never single attempts:
 * a transient failure that a retry absorbed is QIWI working, and must not refuse the next checkout.
 *
 * @param breakerOpenWait          how long an open circuit refuses calls ({@code QIWI_BREAKER_OPEN_MS})
 * @param breakerWindow            how far back the circuit remembers calls (time-based window, whole seconds)
 * @param breakerMinimumCalls      calls needed within the window before the rates are judged
 * @param breakerFailureRatePercent rate of calls that failed after every retry that opens the circuit
 * @param breakerConsecutiveFailures calls in a row that failed after every retry and open the circuit,
 *                                 however few calls the window holds (a quiet account's outage)
 * @param slowCallThreshold        a call whose last attempt took longer than this counts as slow
 * @param slowCallRatePercent      slow-call rate that opens the circuit
 * @param halfOpenCalls            trial calls after the open wait; all must pass to close again
 * @param maxAttempts              attempts per call, the first one included
 * @param backoffInitial           ceiling of the first retry's full-jitter wait; doubles per retry
 * @param backoffMax               ceiling of any retry wait
 * @param retryBudgetPercent       retries may add at most this share on top of first attempts ...
 * @param retryBudgetMinRetries    ... plus this many retries per window whatever the traffic
 * @param retryBudgetWindow        the sliding window both are counted over
 * @param callsPerSecond           attempts per second for the whole QIWI account
 * @param rateLimitMaxWait         longest an attempt may wait for its turn before it is refused
 * @param maxConcurrentCalls       attempts in flight at once for the whole QIWI account
 */
public record ResilienceSettings(
    Duration breakerOpenWait,
    Duration breakerWindow,
    int breakerMinimumCalls,
    int breakerFailureRatePercent,
    int breakerConsecutiveFailures,
    Duration slowCallThreshold,
    int slowCallRatePercent,
    int halfOpenCalls,
    int maxAttempts,
    Duration backoffInitial,
    Duration backoffMax,
    int retryBudgetPercent,
    int retryBudgetMinRetries,
    Duration retryBudgetWindow,
    int callsPerSecond,
    Duration rateLimitMaxWait,
    int maxConcurrentCalls) {

  public ResilienceSettings {
    requirePositive(breakerOpenWait, "breaker open wait");
    requirePositive(breakerWindow, "breaker window");
    require(breakerWindow.toMillis() % 1000 == 0, "breaker window must be whole seconds");
    require(breakerMinimumCalls >= 1, "breaker minimum calls must be at least 1");
    requirePercent(breakerFailureRatePercent, "breaker failure rate");
    require(breakerConsecutiveFailures >= 1, "breaker consecutive failures must be at least 1");
    requirePositive(slowCallThreshold, "slow-call threshold");
    requirePercent(slowCallRatePercent, "slow-call rate");
    require(halfOpenCalls >= 1, "half-open calls must be at least 1");
    require(maxAttempts >= 1 && maxAttempts <= 10, "max attempts must be 1..10");
    requirePositive(backoffInitial, "initial back-off");
    requirePositive(backoffMax, "max back-off");
    require(backoffMax.compareTo(backoffInitial) >= 0, "max back-off must not be below the initial back-off");
    require(retryBudgetPercent >= 0 && retryBudgetPercent <= 1000, "retry budget percent must be 0..1000");
    require(retryBudgetMinRetries >= 0, "retry budget minimum retries must not be negative");
    requirePositive(retryBudgetWindow, "retry budget window");
    require(callsPerSecond >= 1, "calls per second must be at least 1");
    Objects.requireNonNull(rateLimitMaxWait, "rateLimitMaxWait");
    require(!rateLimitMaxWait.isNegative(), "rate limit max wait must not be negative");
    require(maxConcurrentCalls >= 1, "max concurrent calls must be at least 1");
  }

  /**
   * Payment-grade defaults: an operation's circuit opens when, among its calls of the last 10 s (at
   * least 5 of them), half failed after every retry or 80% had a last attempt slower than 80% of the
   * QIWI timeout; or when 5 calls in a row failed after every retry. A call makes at most 3 attempts
   * with full-jitter back-off from 200 ms to 2 s; retries add at most 20% (plus 10 per 10 s) to the
   * load; 50 attempts per second and 64 in flight for the account.
   */
  public static ResilienceSettings defaults(long breakerOpenMs, long qiwiTimeoutMs) {
    require(qiwiTimeoutMs > 0, "QIWI timeout must be positive");
    return new ResilienceSettings(Duration.ofMillis(breakerOpenMs), Duration.ofSeconds(10), 5, 50, 5,
        Duration.ofMillis(Math.max(1, qiwiTimeoutMs * 4 / 5)), 80, 3,
        3, Duration.ofMillis(200), Duration.ofSeconds(2),
        20, 10, Duration.ofSeconds(10),
        50, Duration.ofMillis(500), 64);
  }

  public ResilienceSettings withBreakerOpenWait(Duration wait) {
    return new ResilienceSettings(wait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, callsPerSecond, rateLimitMaxWait,
        maxConcurrentCalls);
  }

  public ResilienceSettings withBreakerWindow(Duration window, int minimumCalls) {
    return new ResilienceSettings(breakerOpenWait, window, minimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, callsPerSecond, rateLimitMaxWait,
        maxConcurrentCalls);
  }

  public ResilienceSettings withConsecutiveFailures(int failures) {
    return new ResilienceSettings(breakerOpenWait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        failures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, callsPerSecond, rateLimitMaxWait,
        maxConcurrentCalls);
  }

  public ResilienceSettings withRetries(int attempts, Duration initialBackoff, Duration maxBackoff) {
    return new ResilienceSettings(breakerOpenWait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, attempts, initialBackoff, maxBackoff,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, callsPerSecond, rateLimitMaxWait,
        maxConcurrentCalls);
  }

  public ResilienceSettings withRetryBudget(int percent, int minRetries, Duration window) {
    return new ResilienceSettings(breakerOpenWait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        percent, minRetries, window, callsPerSecond, rateLimitMaxWait, maxConcurrentCalls);
  }

  public ResilienceSettings withRateLimit(int perSecond, Duration maxWait) {
    return new ResilienceSettings(breakerOpenWait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, perSecond, maxWait, maxConcurrentCalls);
  }

  public ResilienceSettings withMaxConcurrentCalls(int concurrent) {
    return new ResilienceSettings(breakerOpenWait, breakerWindow, breakerMinimumCalls, breakerFailureRatePercent,
        breakerConsecutiveFailures, slowCallThreshold, slowCallRatePercent, halfOpenCalls, maxAttempts, backoffInitial, backoffMax,
        retryBudgetPercent, retryBudgetMinRetries, retryBudgetWindow, callsPerSecond, rateLimitMaxWait, concurrent);
  }

  private static void requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    require(!duration.isNegative() && !duration.isZero(), name + " must be positive");
  }

  private static void requirePercent(int percent, String name) {
    require(percent >= 1 && percent <= 100, name + " must be 1..100 percent");
  }

  private static void require(boolean valid, String rule) {
    if (!valid) {
      throw new IllegalArgumentException(rule);
    }
  }
}
