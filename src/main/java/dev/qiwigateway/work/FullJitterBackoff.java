package dev.qiwigateway.work;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again: exponential back-off with full jitter, the one back-off of the
 * gateway (QIWI calls, webhook deliveries). After the n-th failed attempt the wait is random in
 * [1 ms, min(max, base × 2^(n-1))], so the first retry comes within {@code base}, and callers that failed
 * together (every checkout when QIWI stumbles, every event when a marketplace is down) come back spread
 * out rather than in one wave.
 */
public final class FullJitterBackoff {

  private final long baseMs;
  private final long maxMs;

  public FullJitterBackoff(Duration base, Duration max) {
    this.baseMs = Math.max(1, base.toMillis());
    this.maxMs = Math.max(baseMs, max.toMillis());
  }

  /**
   * A random wait up to {@link #ceilingMs}; at least 1 ms, because a Vert.x timer cannot be shorter.
   *
   * @param attempts attempts made so far, the failed one included (1 before the first retry)
   */
  public long delayMs(int attempts) {
    return 1 + ThreadLocalRandom.current().nextLong(ceilingMs(attempts));
  }

  /** The longest wait after {@code attempts} attempts: the base, doubled per attempt after the first, capped. */
  public long ceilingMs(int attempts) {
    // Doubling stops before the shift could overflow; every cap has been reached long before.
    int doublings = Math.min(Math.max(attempts, 1) - 1, Long.numberOfLeadingZeros(baseMs) - 1);
    return Math.min(maxMs, baseMs << doublings);
  }
}
