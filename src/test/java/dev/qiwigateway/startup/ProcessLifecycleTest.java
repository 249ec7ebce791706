package dev.qiwigateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.Main;
import dev.qiwigateway.config.MerchantTokens;
import dev.qiwigateway.testing.ChildJvm;
import dev.qiwigateway.testing.TestPostgres;
import dev.qiwigateway.testing.TestSecrets;
import java.net.InetAddress;
import java.net.ServerSocket;
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
  @DisplayName("SIGTERM turns readiness off, drains and exits 0, not the JVM's 143")
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
      assertThat(exit).as(gateway.output()).isZero();
      assertThat(gateway.output()).contains("shutting down", "gateway stopped").doesNotContain(TestSecrets.API_SECRET);
    }
  }

  @Test
  @DisplayName("a taken port stops start-up with exit 2 before any database work, naming the port and its setting")
  void takenPortRefusedFirst() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Map<String, String> env = Map.of(
          "GATEWAY_PROFILE", "dev",
          "HTTP_HOST", "127.0.0.1",
          "HTTP_PORT", "0",
          "MANAGEMENT_HOST", "127.0.0.1",
          "MANAGEMENT_PORT", String.valueOf(port),
          "SANDBOX_PORT", "0");
      try (ChildJvm gateway = ChildJvm.start("taken-port", Main.class, env)) {
        int exit = gateway.waitForExit(Duration.ofSeconds(60));
        assertThat(exit).as(gateway.output()).isEqualTo(2);
        assertThat(gateway.output())
            .contains("MANAGEMENT_PORT: port " + port, "already in use")
            .doesNotContain("BindException", "\tat ", "embedded PostgreSQL", "migrated");
      }
    }
  }

  @Test
  @DisplayName("--help prints the usage and --version the version, exit 0, and start nothing")
  void helpAndVersionOnlyPrint() throws Exception {
    try (ChildJvm help = ChildJvm.start("help", Main.class, Map.of(), "--help")) {
      assertThat(help.waitForExit(Duration.ofSeconds(30))).as(help.output()).isZero();
      assertThat(help.output()).contains("Usage:", "--version", "HTTP_HOST", "MANAGEMENT_HOST")
          .doesNotContain("configuration loaded", "embedded PostgreSQL");
    }
    try (ChildJvm version = ChildJvm.start("version", Main.class, Map.of(), "--version")) {
      assertThat(version.waitForExit(Duration.ofSeconds(30))).as(version.output()).isZero();
      assertThat(version.output().strip()).matches("qiwi-gateway \\d+\\.\\d+\\.\\d+[-.A-Za-z0-9]*");
    }
    try (ChildJvm unknown = ChildJvm.start("unknown-argument", Main.class, Map.of(), "--halp")) {
      assertThat(unknown.waitForExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(unknown.output()).contains("unknown arguments: --halp", "Usage:");
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
