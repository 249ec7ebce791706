package dev.qiwigateway.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one back-off of the gateway: QIWI call retries and webhook redeliveries both wait by it. */
class BackoffTest {

  @Test
  @DisplayName("webhook retries back off exponentially with full jitter: the first within the base, never beyond the cap")
  void growsByDoublingUpToTheCap() {
    PeriodicTask.Backoff webhooks = new PeriodicTask.Backoff(Duration.ofSeconds(5), Duration.ofMinutes(60));
    assertThat(webhooks.ceilingMs(1)).isEqualTo(5_000);
    assertThat(webhooks.ceilingMs(2)).isEqualTo(10_000);
    assertThat(webhooks.ceilingMs(5)).isEqualTo(80_000);
    assertThat(webhooks.ceilingMs(20)).isEqualTo(3_600_000);
    assertThat(webhooks.ceilingMs(10_000)).isEqualTo(3_600_000);
    long longest = 0;
    for (int i = 0; i < 2_000; i++) {
      long delay = webhooks.delayMs(1);
      assertThat(delay).isBetween(0L, 5_000L);
      longest = Math.max(longest, delay);
    }
    assertThat(longest).as("jitter spreads the waits").isGreaterThan(2_500);
  }

  @Test
  @DisplayName("QIWI retry waits stay within the doubling ceiling, never exceed the maximum and never reach zero")
  void staysWithinBounds() {
    PeriodicTask.Backoff qiwiRetries = new PeriodicTask.Backoff(Duration.ofMillis(200), Duration.ofSeconds(2));
    for (int i = 0; i < 1_000; i++) {
      assertThat(qiwiRetries.delayMs(1)).isBetween(1L, 200L);
      assertThat(qiwiRetries.delayMs(2)).isBetween(1L, 400L);
      assertThat(qiwiRetries.delayMs(9)).isBetween(1L, 2_000L);
    }
  }

  @Test
  @DisplayName("an event that has failed for days still waits at most the cap: the doubling cannot overflow")
  void neverOverflows() {
    PeriodicTask.Backoff day = new PeriodicTask.Backoff(Duration.ofSeconds(10), Duration.ofDays(1));
    for (int attempts : new int[] {40, 64, 65, 1_000, Integer.MAX_VALUE}) {
      assertThat(day.ceilingMs(attempts)).isEqualTo(Duration.ofDays(1).toMillis());
      assertThat(day.delayMs(attempts)).isBetween(1L, Duration.ofDays(1).toMillis());
    }
    PeriodicTask.Backoff unbounded = new PeriodicTask.Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE));
    assertThat(unbounded.ceilingMs(Integer.MAX_VALUE)).isPositive();
  }

  @Test
  @DisplayName("before any attempt, or with a base below a millisecond, the wait is still a Vert.x timer's minimum")
  void degenerateInputs() {
    PeriodicTask.Backoff tiny = new PeriodicTask.Backoff(Duration.ZERO, Duration.ZERO);
    assertThat(tiny.ceilingMs(0)).isEqualTo(1);
    assertThat(tiny.delayMs(-5)).isEqualTo(1);
    PeriodicTask.Backoff inverted = new PeriodicTask.Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1));
    assertThat(inverted.ceilingMs(3)).as("a cap below the base is raised to it").isEqualTo(5_000);
  }
}
