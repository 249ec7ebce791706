package dev.qiwigateway.resilience;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter: the n-th retry waits a random time up to
 * min(max, initial × 2^(n-1)). The randomness spreads the retries of many callers that failed
 * together, so they do not hit a recovering QIWI in one wave.
 */
final class FullJitterBackoff implements IntervalFunction {

  private static final int MAX_DOUBLINGS = 20;

  private final long initialMs;
  private final long maxMs;

  FullJitterBackoff(Duration initial, Duration max) {
    this.initialMs = Math.max(1, initial.toMillis());
    this.maxMs = Math.max(initialMs, max.toMillis());
  }

  /** @param attempt the number of attempts made so far (1 before the first retry) */
  @Override
  public Long apply(Integer attempt) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, MAX_DOUBLINGS);
    long ceiling = Math.min(maxMs, initialMs << doublings);
    // At least 1 ms: a Vert.x timer cannot be shorter.
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }
}
