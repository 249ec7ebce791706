package dev.qiwigateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.qiwigateway.qiwi.QiwiDialect;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class GatewayConfigTest {

  private static final String SECRET = "s3cr3t-api-password";
  private static final String TOKEN_DIGEST = MerchantTokens.sha256Hex("merchant-token-1");

  static JsonObject prodSettings() {
    return new JsonObject()
        .put("GATEWAY_PROFILE", "prod")
        .put("PG_URL", "postgresql://gw:pg-pass-123@db.internal:5432/gateway")
        .put("QIWI_BASE_URL", "https://api.qiwi.com")
        .put("QIWI_PRV_ID", "2042")
        .put("QIWI_API_ID", "23244123")
        .put("QIWI_API_SECRET", SECRET)
        .put("API_TOKENS", "shop-1:" + TOKEN_DIGEST);
  }

  @Test
  @DisplayName("the dev profile starts with nothing configured: embedded database, sandbox, published test credentials")
  void devNeedsNothing() {
    GatewayConfig config = GatewayConfig.from(new JsonObject());
    assertThat(config.isDev()).isTrue();
    assertThat(config.database().embedded()).isTrue();
    assertThat(config.qiwi().baseUrl()).isNull();
    assertThat(config.qiwi().dialect()).isEqualTo(QiwiDialect.REST_V3);
    assertThat(config.qiwi().credentials().secretKey())
        .isEqualTo("MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
    assertThat(config.currencies()).containsExactly("RUB");
    assertThat(config.billLifetimeDefault()).isEqualTo(Duration.ofDays(7));
    assertThat(config.billLifetimeMax()).isEqualTo(Duration.ofDays(28));
    assertThat(config.merchantTokens().merchantFor(DevDefaults.MERCHANT_TOKEN)).contains(DevDefaults.MERCHANT_ID);
  }

  @Test
  @DisplayName("prod refuses to start without PG_URL and names it")
  void prodNamesMissingPgUrl() {
    JsonObject settings = prodSettings();
    settings.remove("PG_URL");
    assertThatThrownBy(() -> GatewayConfig.from(settings))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PG_URL");
  }

  @Test
  @DisplayName("prod names every missing required setting at once")
  void prodNamesEveryMissingSetting() {
    ConfigException error = catchThrowableOfType(ConfigException.class,
        () -> GatewayConfig.from(new JsonObject().put("GATEWAY_PROFILE", "prod")));
    assertThat(String.join("\n", error.problems())).contains("PG_URL", "QIWI_BASE_URL", "QIWI_PRV_ID", "QIWI_API_ID",
        "QIWI_API_SECRET", "API_TOKENS");
  }

  @Test
  @DisplayName("pull-v2 in prod also requires the notification password")
  void pullV2NeedsNotifyPassword() {
    assertThatThrownBy(() -> GatewayConfig.from(prodSettings().put("QIWI_DIALECT", "pull-v2")))
        .hasMessageContaining("QIWI_NOTIFY_PASSWORD");
    GatewayConfig config = GatewayConfig.from(prodSettings().put("QIWI_DIALECT", "pull-v2")
        .put("QIWI_NOTIFY_PASSWORD", "np").put("QIWI_NOTIFY_AUTH", "basic"));
    assertThat(config.qiwi().dialect()).isEqualTo(QiwiDialect.PULL_V2);
  }

  @Test
  @DisplayName("a complete prod configuration is accepted, environment strings typed")
  void prodComplete() {
    GatewayConfig config = GatewayConfig.from(prodSettings().put("HTTP_PORT", "8443").put("CURRENCIES", "RUB, USD")
        .put("QIWI_NOTIFY_ALLOW_IPS", "91.232.230.0/23,79.142.16.0/20").put("BILL_LIFETIME_MAX", "P45D"));
    assertThat(config.httpPort()).isEqualTo(8443);
    assertThat(config.currencies()).containsExactly("RUB", "USD");
    assertThat(config.qiwi().payUrl()).isEqualTo(QiwiSettings.PUBLIC_PAY_URL);
    assertThat(config.qiwi().notifyAllowIps()).hasSize(2);
    assertThat(config.qiwi().notifyAllowIps().get(0).contains("91.232.231.17")).isTrue();
    assertThat(config.qiwi().notifyAllowIps().get(0).contains("91.232.232.1")).isFalse();
    assertThat(config.merchantTokens().merchantFor("merchant-token-1")).contains("shop-1");
    assertThat(config.merchantTokens().merchantFor("merchant-token-2")).isEmpty();
    assertThat(config.qiwi().callsPerSecond()).isEqualTo(QiwiSettings.DEFAULT_CALLS_PER_SECOND);
    assertThat(GatewayConfig.from(prodSettings().put("QIWI_CALLS_PER_SECOND", "17")).qiwi().callsPerSecond())
        .isEqualTo(17);
  }

  @Test
  @DisplayName("dev with QIWI_BASE_URL but no QIWI_PAY_URL builds payUrl on that QIWI's payment-form path")
  void devPayUrlFollowsBaseUrl() {
    GatewayConfig sandbox = GatewayConfig.from(new JsonObject().put("QIWI_BASE_URL", "http://127.0.0.1:8090/"));
    assertThat(sandbox.qiwi().payUrl()).isEqualTo("http://127.0.0.1:8090/order/external/main.action");
    GatewayConfig qiwi = GatewayConfig.from(new JsonObject().put("QIWI_BASE_URL", "https://api.qiwi.com"));
    assertThat(qiwi.qiwi().payUrl()).isEqualTo(QiwiSettings.PUBLIC_PAY_URL);
    GatewayConfig explicit = GatewayConfig.from(new JsonObject().put("QIWI_BASE_URL", "http://127.0.0.1:8090")
        .put("QIWI_PAY_URL", "https://pay.example/form"));
    assertThat(explicit.qiwi().payUrl()).isEqualTo("https://pay.example/form");
  }

  @Test
  @DisplayName("MANAGEMENT_HOST is read like HTTP_HOST, every address by default")
  void managementHost() {
    assertThat(GatewayConfig.from(new JsonObject()).managementHost()).isEqualTo("0.0.0.0");
    assertThat(GatewayConfig.from(new JsonObject().put("MANAGEMENT_HOST", "10.0.0.7")).managementHost())
        .isEqualTo("10.0.0.7");
    assertThat(GatewayConfig.defaults()).containsEntry("MANAGEMENT_HOST", "0.0.0.0");
  }

  @Test
  @DisplayName("malformed values stop start-up, each named")
  void malformedValues() {
    ConfigException error = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.from(prodSettings()
        .put("PG_URL", "mysql://x")
        .put("HTTP_PORT", "eighty")
        .put("QIWI_DIALECT", "v4")
        .put("CURRENCIES", "RUB,XXY")
        .put("BILL_LIFETIME_MAX", "P60D")
        .put("QIWI_BASE_URL", "https://api.qiwi.com/api/v3")
        .put("API_TOKENS", "shop-1:not-a-digest")
        .put("QIWI_NOTIFY_ALLOW_IPS", "91.232.230.0/33")
        .put("WEBHOOK_URL", "https://shop.example/hooks")
        .put("WEBHOOK_SECRET", "whsec_dG9vLXNob3J0")
        .put("QIWI_CALLS_PER_SECOND", "0")));
    assertThat(String.join("\n", error.problems())).contains("PG_URL", "HTTP_PORT", "QIWI_DIALECT", "CURRENCIES",
        "BILL_LIFETIME_MAX", "QIWI_BASE_URL", "API_TOKENS", "QIWI_NOTIFY_ALLOW_IPS", "WEBHOOK_SECRET",
        "QIWI_CALLS_PER_SECOND");
  }

  @Test
  @DisplayName("a webhook URL without its secret stops start-up; a 24-byte whsec_ secret is accepted")
  void webhookSecret() {
    assertThatThrownBy(() -> GatewayConfig.from(prodSettings().put("WEBHOOK_URL", "https://shop.example/hooks")))
        .hasMessageContaining("WEBHOOK_SECRET");
    GatewayConfig config = GatewayConfig.from(prodSettings().put("WEBHOOK_URL", "https://shop.example/hooks")
        .put("WEBHOOK_SECRET", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"));
    assertThat(config.webhook().signingKey()).hasSize(24);
  }

  @Test
  @DisplayName("the printed configuration never contains a secret")
  void describeHidesSecrets() {
    GatewayConfig config = GatewayConfig.from(prodSettings()
        .put("QIWI_SECRET_KEY", "explicit-secret-key")
        .put("WEBHOOK_URL", "https://hookuser:hookpass@shop.example/hooks")
        .put("WEBHOOK_SECRET", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3"));
    String printed = config.describe() + config;
    assertThat(printed).contains("db.internal", "api.qiwi.com", "shop-1")
        .doesNotContain(SECRET, "pg-pass-123", "explicit-secret-key", TOKEN_DIGEST, "hookpass",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3", config.qiwi().credentials().secretKey());
  }

  @Test
  @DisplayName("malformed values are reported without echoing them, since they may be secrets")
  void problemsDoNotEchoValues() {
    ConfigException error = catchThrowableOfType(ConfigException.class,
        () -> GatewayConfig.from(prodSettings().put("WEBHOOK_URL", "https://x.example").put("WEBHOOK_SECRET", "whsec_" + SECRET)));
    assertThat(error.getMessage()).contains("WEBHOOK_SECRET").doesNotContain(SECRET);
  }

  @Test
  @DisplayName("defaults are written once, in the settings classes; the settings file restates none of them")
  void defaultsWrittenOnce() throws Exception {
    Map<String, String> defaults = GatewayConfig.defaults();
    assertThat(defaults).containsEntry("HTTP_PORT", "8080").containsEntry("DRAIN_TIMEOUT_MS", "20000")
        .containsEntry("POLL_BILL_FIRST_DELAY_MS", "30000").containsEntry("QIWI_DIALECT", "rest-v3");
    Map<String, Object> file = new Yaml().load(Files.readString(Path.of("conf/application.yaml")));
    assertThat(file).as("conf/application.yaml holds overrides only").isEmpty();
  }
}
