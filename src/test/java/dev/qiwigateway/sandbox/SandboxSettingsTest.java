package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sandbox settings keep QIWI's limits and a time-compressed retry schedule")
class SandboxSettingsTest {

  private final SandboxSettings defaults = SandboxSettings.defaults(SandboxClient.CREDENTIALS);

  @Test
  @DisplayName("the default schedule waits 200 ms, doubles, stops growing at 5 s, and allows QIWI's 50 attempts")
  void compressedSchedule() {
    SandboxSettings.RetrySchedule schedule = defaults.notifyRetry();
    assertThat(schedule.delayBefore(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(schedule.delayBefore(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(schedule.delayBefore(6)).isEqualTo(Duration.ofMillis(3200));
    assertThat(schedule.delayBefore(7)).isEqualTo(Duration.ofSeconds(5));
    assertThat(schedule.delayBefore(50)).isEqualTo(Duration.ofSeconds(5));
    assertThat(schedule.maxAttempts()).isEqualTo(50);
  }

  @Test
  @DisplayName("impossible settings are refused: more than 50 attempts, a lifetime cap beyond 45 days, inverted limits")
  void refusesImpossible() {
    assertThatThrownBy(() -> new SandboxSettings.RetrySchedule(Duration.ofMillis(1), 2, Duration.ofSeconds(1), 51))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SandboxSettings.RetrySchedule(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1), 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withMaxLifetime(Duration.ofDays(46))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withAmountLimits(new BigDecimal("10.00"), new BigDecimal("1.00")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withCurrencies(Set.of("rub"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.withPort(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("defaults: RUB, USD and EUR, amounts 1.00 to 600000.00, 45 days, no notifications")
  void defaultLimits() {
    assertThat(defaults.currencies()).containsExactlyInAnyOrder("RUB", "USD", "EUR");
    assertThat(defaults.minAmount()).isEqualByComparingTo("1.00");
    assertThat(defaults.maxAmount()).isEqualByComparingTo("600000.00");
    assertThat(defaults.maxLifetime()).isEqualTo(Duration.ofDays(45));
    assertThat(defaults.notifyUrl()).isNull();
  }
}
