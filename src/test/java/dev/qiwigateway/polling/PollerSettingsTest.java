package dev.qiwigateway.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.qiwigateway.config.ConfigException;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.config.PollerSettings;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PollerSettingsTest {

  @Test
  @DisplayName("without settings the poller checks bills from 30 s to 15 min with a 5-minute grace after expiry")
  void productionDefaults() {
    PollerSettings poller = GatewayConfig.from(new JsonObject()).poller();
    assertThat(poller.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(poller.batch()).isEqualTo(10);
    assertThat(poller.concurrency()).isEqualTo(4);
    assertThat(poller.lease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(poller.billFirstDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(poller.billMaxInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(poller.billExpiryGrace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(poller.refundFirstDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(poller.refundMaxInterval()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  @DisplayName("a malformed or contradictory poller setting stops start-up with its name")
  void rejectsBadSettings() {
    ConfigException error = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.from(new JsonObject()
        .put("POLL_BATCH", "0")
        .put("POLL_INTERVAL_MS", "soon")
        .put("POLL_REFUND_FIRST_DELAY_MS", "60000")
        .put("POLL_REFUND_MAX_INTERVAL_MS", "1000")));
    assertThat(String.join("\n", error.problems()))
        .contains("POLL_BATCH", "POLL_INTERVAL_MS", "POLL_REFUND_MAX_INTERVAL_MS");
  }
}
