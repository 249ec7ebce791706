package dev.qiwigateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.Main;
import dev.qiwigateway.config.MerchantTokens;
import dev.qiwigateway.testing.ChildJvm;
import dev.qiwigateway.testing.TestPostgres;
import dev.qiwigateway.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The gateway as a real process: how it refuses to start, and how it stops. */
class ProcessLifecycleTest {

  @Test
  @DisplayName("prod without PG_URL exits non-zero with a message naming PG_URL and no secret")
  void prodWithoutPgUrlRefusesToStart() throws Exception {
    Map<String, String> env = Map.of(
        "GATEWAY_PROFILE", "prod",
        "QIWI_BASE_URL", "https://api.qiwi.com",
        "QIWI_PRV_ID", "2042",
        "QIWI_API_ID", "23244123",
        "QIWI_API_SECRET", TestSecrets.API_SECRET,
        "API_TOKENS", "shop-1:" + MerchantTokens.sha256Hex("t"));
    try (ChildJvm gateway = ChildJvm.start("prod-without-pg-url", Main.class, env)) {
      int exit = gateway.waitForExit(Duration.ofSeconds(60));
      assertThat(exit).isNotZero();
      assertThat(gateway.output()).contains("PG_URL").doesNotContain(TestSecrets.API_SECRET);
    }
  }

  @Test
  @DisplayName("SIGTERM turns readiness off, drains and exits cleanly")
  void sigtermStopsGracefully() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "GATEWAY_PROFILE", "dev",
        "PG_URL", TestPostgres.newDatabase("sigterm"),
        "HTTP_PORT", "0",
        "MANAGEMENT_PORT", "0",
        "SANDBOX_PORT", "0",
        "QIWI_API_SECRET", TestSecrets.API_SECRET,
        "DRAIN_TIMEOUT_MS", "3000"));
    try (ChildJvm gateway = ChildJvm.start("sigterm", Main.class, env)) {
      gateway.awaitOutput("qiwi-gateway ready", Duration.ofSeconds(90));
      int managementPort = portAfter(gateway.output(), "managementPort=");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + managementPort + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);

      gateway.terminate();
      int exit = gateway.waitForExit(Duration.ofSeconds(30));
      assertThat(exit).isIn(0, 143);
      assertThat(gateway.output()).contains("shutting down", "gateway stopped").doesNotContain(TestSecrets.API_SECRET);
    }
  }

  static int portAfter(String output, String marker) {
    int at = output.lastIndexOf(marker);
    assertThat(at).as("'%s' in output", marker).isNotNegative();
    int start = at + marker.length();
    if (output.charAt(start) == '"') {
      start++;
    }
    int end = start;
    while (end < output.length() && Character.isDigit(output.charAt(end))) {
      end++;
    }
    return Integer.parseInt(output.substring(start, end));
  }
}
