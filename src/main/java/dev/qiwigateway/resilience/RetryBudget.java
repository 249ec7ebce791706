package dev.qiwigateway.resilience;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries at a share of first attempts over a sliding window, plus a small floor so that a quiet
 * account can still retry. Without it, every call of an outage would be sent {@code maxAttempts}
 * times, multiplying the load on a QIWI that is already failing. The window is a ring of buckets;
 * the lock is held for a few array reads, never across I/O.
 */
final class RetryBudget {

  private static final int BUCKETS = 10;

  private final int percent;
  private final int minRetries;
  private final long bucketNanos;
  private final LongSupplier nanoClock;
  private final long[] firstAttempts = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private long newestBucket;

  RetryBudget(int percent, int minRetries, Duration window, LongSupplier nanoClock) {
    this.percent = percent;
    this.minRetries = minRetries;
    this.bucketNanos = Math.max(1, window.toNanos() / BUCKETS);
    this.nanoClock = nanoClock;
    this.newestBucket = nanoClock.getAsLong() / bucketNanos;
  }

  synchronized void recordFirstAttempt() {
    firstAttempts[slide()]++;
  }

  /** Takes one retry from the budget; false when retries already reached their share of the window. */
  synchronized boolean tryRetry() {
    int slot = slide();
    // Integer arithmetic: percent of first attempts, so that 20% of 10 is exactly 2.
    if (sum(retries) * 100 >= minRetries * 100L + percent * sum(firstAttempts)) {
      return false;
    }
    retries[slot]++;
    return true;
  }

  /** Forgets the buckets that fell out of the window; returns the slot of the current bucket. */
  private int slide() {
    long now = nanoClock.getAsLong() / bucketNanos;
    long passed = Math.min(now - newestBucket, BUCKETS);
    for (long i = 1; i <= passed; i++) {
      int slot = (int) Math.floorMod(newestBucket + i, (long) BUCKETS);
      firstAttempts[slot] = 0;
      retries[slot] = 0;
    }
    newestBucket = Math.max(newestBucket, now);
    return (int) Math.floorMod(newestBucket, (long) BUCKETS);
  }

  private static long sum(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }
}
