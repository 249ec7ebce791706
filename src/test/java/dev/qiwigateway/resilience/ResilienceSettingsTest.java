package dev.qiwigateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.qiwigateway.qiwi.QiwiOperation;
import dev.qiwigateway.qiwi.QiwiException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResilienceSettingsTest {

  @Test
  @DisplayName("the defaults are explicit and follow the configured open wait and QIWI timeout")
  void defaults() {
    ResilienceSettings settings = ResilienceSettings.defaults(30_000, 5_000);
    assertThat(settings.breakerOpenWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.breakerWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.breakerMinimumCalls()).isEqualTo(5);
    assertThat(settings.breakerFailureRatePercent()).isEqualTo(50);
    assertThat(settings.breakerConsecutiveFailures()).isEqualTo(5);
    assertThat(settings.slowCallThreshold()).isEqualTo(Duration.ofSeconds(4));
    assertThat(settings.halfOpenCalls()).isEqualTo(3);
    assertThat(settings.maxAttempts()).isEqualTo(3);
    assertThat(settings.backoffInitial()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.backoffMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.retryBudgetPercent()).isEqualTo(20);
    assertThat(settings.callsPerSecond()).isEqualTo(50);
    assertThat(settings.maxConcurrentCalls()).isEqualTo(64);
  }

  @Test
  @DisplayName("settings that would disable a protection are refused")
  void invalidSettings() {
    ResilienceSettings settings = ResilienceSettings.defaults(30_000, 5_000);
    assertThatIllegalArgumentException().isThrownBy(() -> ResilienceSettings.defaults(0, 5_000));
    assertThatIllegalArgumentException().isThrownBy(() -> ResilienceSettings.defaults(30_000, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withBreakerWindow(Duration.ofMillis(1500), 5))
        .withMessageContaining("whole seconds");
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withBreakerWindow(Duration.ofSeconds(10), 0))
        .withMessageContaining("minimum calls");
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withConsecutiveFailures(0))
        .withMessageContaining("consecutive");
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withRetries(0, Duration.ofMillis(1),
        Duration.ofMillis(1)));
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withRetries(3, Duration.ofSeconds(2),
        Duration.ofSeconds(1)));
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withRateLimit(0, Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withMaxConcurrentCalls(0));
    assertThatIllegalArgumentException().isThrownBy(() -> settings.withRetryBudget(-1, 0, Duration.ofSeconds(1)));
  }

  @Test
  @DisplayName("an unavailable QIWI names operation, reason and last failure, and asks for at least a second")
  void unavailableDescribesItself() {
    QiwiException.TransportFailure timeout = new QiwiException.TransportFailure(QiwiOperation.REFUND, "timeout after 5000 ms", null);
    QiwiUnavailable unavailable = new QiwiUnavailable(QiwiOperation.REFUND,
        QiwiUnavailable.Reason.RETRIES_EXHAUSTED, timeout, 2);
    assertThat(unavailable.getMessage()).isEqualTo(
        "refund: QIWI unavailable, all attempts failed, retry after 2 s; last attempt: refund: timeout after 5000 ms");
    assertThat(unavailable.getCause()).isSameAs(timeout);
    assertThat(unavailable.lastFailure()).containsSame(timeout);
    assertThat(unavailable.getStackTrace()).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> new QiwiUnavailable(QiwiOperation.REFUND,
        QiwiUnavailable.Reason.CIRCUIT_OPEN, null, 0));
  }
}
