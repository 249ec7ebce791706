package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PollScheduleTest {

  private static final Instant ISSUED = Instant.parse("2026-03-01T12:00:00Z");
  private static final PollSchedule BILLS =
      new PollSchedule(Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(5));

  @Test
  @DisplayName("checks of a waiting bill back off from 30 s by doubling and stay at the 15-minute cap")
  void backsOffToTheCap() {
    List<Duration> waits = new ArrayList<>();
    for (int checks = 0; checks <= 8; checks++) {
      waits.add(BILLS.backoff(checks));
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
        Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(15), Duration.ofMinutes(15),
        Duration.ofMinutes(15), Duration.ofMinutes(15));
    assertThat(BILLS.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  @DisplayName("a bill far from its expiry is checked after the plain back-off")
  void farFromExpiry() {
    Instant expires = ISSUED.plus(Duration.ofDays(7));
    Instant now = ISSUED.plus(Duration.ofMinutes(3));
    assertThat(BILLS.nextBillCheck(now, 2, expires)).isEqualTo(now.plus(Duration.ofMinutes(2)));
  }

  @Test
  @DisplayName("no check of a bill is scheduled past its expiry: the back-off is cut at expires_at")
  void neverLaterThanExpiry() {
    Instant expires = ISSUED.plus(Duration.ofMinutes(10));
    Instant now = ISSUED.plus(Duration.ofMinutes(9));
    assertThat(BILLS.nextBillCheck(now, 5, expires)).isEqualTo(expires);
    assertThat(BILLS.nextBillCheck(ISSUED, 0, ISSUED.plusSeconds(10))).isEqualTo(ISSUED.plusSeconds(10));
  }

  @Test
  @DisplayName("a bill checked at its expiry gets one final check when the grace period ends")
  void finalCheckAfterGrace() {
    Instant expires = ISSUED.plus(Duration.ofHours(2));
    assertThat(BILLS.nextBillCheck(expires, 6, expires)).isEqualTo(expires.plus(Duration.ofMinutes(5)));
    Instant duringGrace = expires.plus(Duration.ofMinutes(4));
    assertThat(BILLS.nextBillCheck(duringGrace, 7, expires)).isEqualTo(expires.plus(Duration.ofMinutes(5)));
  }

  @Test
  @DisplayName("within the grace period a young bill keeps its shorter back-off")
  void shortBackoffWithinGrace() {
    Instant expires = ISSUED.plus(Duration.ofMinutes(1));
    assertThat(BILLS.nextBillCheck(expires, 1, expires)).isEqualTo(expires.plus(Duration.ofMinutes(1)));
  }

  @Test
  @DisplayName("a bill QIWI still calls waiting after the grace period is checked again at the cap")
  void afterGraceAtTheCap() {
    Instant expires = ISSUED.plus(Duration.ofHours(2));
    Instant finalCheck = expires.plus(Duration.ofMinutes(5));
    assertThat(BILLS.pastFinalCheck(finalCheck.minusMillis(1), expires)).isFalse();
    assertThat(BILLS.pastFinalCheck(finalCheck, expires)).isTrue();
    assertThat(BILLS.nextBillCheck(finalCheck, 1, expires)).isEqualTo(finalCheck.plus(Duration.ofMinutes(15)));
  }

  @Test
  @DisplayName("refunds have no deadline: their checks back off to their own cap")
  void refundsBackOffToTheirCap() {
    PollSchedule refunds = PollSchedule.openEnded(Duration.ofSeconds(10), Duration.ofMinutes(30));
    Instant now = ISSUED.plus(Duration.ofDays(40));
    assertThat(refunds.nextCheck(now, 1)).isEqualTo(now.plusSeconds(20));
    assertThat(refunds.nextCheck(now, 20)).isEqualTo(now.plus(Duration.ofMinutes(30)));
  }

  @Test
  @DisplayName("a schedule whose cap is below its first delay is refused")
  void rejectsInconsistentSchedules() {
    assertThatThrownBy(() -> new PollSchedule(Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PollSchedule(Duration.ZERO, Duration.ofMinutes(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BILLS.backoff(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
