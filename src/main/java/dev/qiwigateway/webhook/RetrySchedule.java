package dev.qiwigateway.webhook;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed webhook is tried again: exponential back-off with full jitter. After the n-th failed
 * attempt the wait is random in [0, min(max, base × 2^(n-1))], so the first retry comes within
 * {@code base} and the events of one receiver outage do not come back in a single wave.
 */
final class RetrySchedule {

  private static final int MAX_DOUBLINGS = 30;

  private final long baseMs;
  private final long maxMs;

  RetrySchedule(Duration base, Duration max) {
    this.baseMs = Math.max(1, base.toMillis());
    this.maxMs = Math.max(baseMs, max.toMillis());
  }

  /** @param attempts attempts made so far, the failed one included (1 after the first failure) */
  long delayMs(int attempts) {
    return ThreadLocalRandom.current().nextLong(ceilingMs(attempts) + 1);
  }

  long ceilingMs(int attempts) {
    int doublings = Math.min(Math.max(attempts, 1) - 1, MAX_DOUBLINGS);
    return Math.min(maxMs, baseMs << doublings);
  }
}
