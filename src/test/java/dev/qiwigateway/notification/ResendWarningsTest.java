package dev.qiwigateway.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.notification.NotificationAnswer.Verdict;
import dev.qiwigateway.notification.NotificationMetrics.ResendWarnings;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A notification QIWI keeps resending is warned about once per bill and interval, not on every resend")
class ResendWarningsTest {

  private final AtomicLong now = new AtomicLong();
  private final ResendWarnings warnings = new ResendWarnings(now::get);

  @Test
  @DisplayName("the first resend warns, the next ones in the interval do not, and the first after it says how many were left out")
  void oncePerInterval() {
    assertThat(warnings.decide("shop-direct-1", Verdict.UNKNOWN_BILL)).isEqualTo(new ResendWarnings.Decision(true, 0));
    for (int resend = 1; resend <= 5; resend++) {
      now.addAndGet(java.time.Duration.ofSeconds(5).toNanos());
      assertThat(warnings.decide("shop-direct-1", Verdict.UNKNOWN_BILL).warn()).isFalse();
    }
    now.addAndGet(ResendWarnings.INTERVAL.toNanos());
    assertThat(warnings.decide("shop-direct-1", Verdict.UNKNOWN_BILL)).isEqualTo(new ResendWarnings.Decision(true, 5));
  }

  @Test
  @DisplayName("each bill and verdict has its own interval")
  void perBillAndVerdict() {
    assertThat(warnings.decide("a", Verdict.UNKNOWN_BILL).warn()).isTrue();
    assertThat(warnings.decide("b", Verdict.UNKNOWN_BILL).warn()).isTrue();
    assertThat(warnings.decide("a", Verdict.MISMATCH).warn()).isTrue();
    assertThat(warnings.decide("a", Verdict.UNKNOWN_BILL).warn()).isFalse();
  }

  @Test
  @DisplayName("memory is bounded: past the limit the bill heard from longest ago is forgotten")
  void bounded() {
    for (int bill = 0; bill <= ResendWarnings.MAX_BILLS; bill++) {
      warnings.decide("bill-" + bill, Verdict.UNKNOWN_BILL);
    }
    assertThat(warnings.decide("bill-0", Verdict.UNKNOWN_BILL).warn()).isTrue();
    assertThat(warnings.decide("bill-" + ResendWarnings.MAX_BILLS, Verdict.UNKNOWN_BILL).warn()).isFalse();
  }
}
