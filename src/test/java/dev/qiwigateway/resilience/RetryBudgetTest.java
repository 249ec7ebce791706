package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RetryBudget budget = new RetryBudget(20, 2, Duration.ofSeconds(10), nanos::get);

  private int retriesGranted(int asked) {
    int granted = 0;
    for (int i = 0; i < asked; i++) {
      if (budget.tryRetry()) {
        granted++;
      }
    }
    return granted;
  }

  private void firstAttempts(int count) {
    for (int i = 0; i < count; i++) {
      budget.recordFirstAttempt();
    }
  }

  @Test
  @DisplayName("a quiet account may still retry up to the floor")
  void floorWithoutTraffic() {
    assertThat(retriesGranted(5)).isEqualTo(2);
  }

  @Test
  @DisplayName("retries add at most 20% of the first attempts on top of the floor")
  void shareOfFirstAttempts() {
    firstAttempts(50);
    assertThat(retriesGranted(100)).isEqualTo(2 + 10);
    firstAttempts(5);
    assertThat(retriesGranted(100)).as("five more calls earn one more retry").isEqualTo(1);
  }

  @Test
  @DisplayName("spent retries are forgotten once they slide out of the window, and so are old first attempts")
  void windowSlides() {
    firstAttempts(50);
    assertThat(retriesGranted(100)).isEqualTo(12);
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(retriesGranted(1)).as("half a window later everything still counts").isZero();
    nanos.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(retriesGranted(100)).as("a whole window later only the floor is left").isEqualTo(2);
  }
}
