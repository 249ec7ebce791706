package dev.qiwigateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.qiwigateway.config.ConfigException;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.config.WebhookSettings;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The pieces of webhook delivery that need neither a network nor a database. */
class WebhookPartsTest {

  @Test
  @DisplayName("the signature matches the Standard Webhooks specification's published test vector")
  void standardWebhooksVector() {
    byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String signature = new WebhookSender.Signature(key)
        .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(new WebhookSender.Signature(key).toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  }

  @Test
  @DisplayName("credentials in the webhook URL become a Basic header and leave the request URL")
  void credentialsInUrl() {
    WebhookSender.Endpoint endpoint = WebhookSender.Endpoint.of("https://hook%40user:p%3Ass@shop.example:8443/hooks?x=1");
    assertThat(endpoint.url()).isEqualTo("https://shop.example:8443/hooks?x=1");
    assertThat(endpoint.authorization()).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("hook@user:p:ss".getBytes(StandardCharsets.UTF_8)));
    assertThat(endpoint.toString()).doesNotContain("p%3Ass", "p:ss", endpoint.authorization());
    assertThat(WebhookSender.Endpoint.of("http://127.0.0.1:9/h").authorization()).isNull();
  }

  @Test
  @DisplayName("delivery settings default to a first retry within 10 s and 24 hours of retries")
  void settingsDefaults() {
    WebhookSettings settings = GatewayConfig.from(new JsonObject()
        .put("WEBHOOK_URL", "https://shop.example/hooks")
        .put("WEBHOOK_SECRET", WebhookTestBase.SECRET)).webhook();
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.retryBase()).isLessThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(settings.retryWindow()).isGreaterThanOrEqualTo(Duration.ofHours(24));
    assertThat(settings.retryMax()).isGreaterThanOrEqualTo(settings.retryBase());
    assertThat(settings.pollPeriod()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.batch()).isEqualTo(32);
  }

  @Test
  @DisplayName("a back-off base over 10 s or a cap below the base stops start-up, naming the setting")
  void settingsValidated() {
    ConfigException error = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.from(new JsonObject()
        .put("WEBHOOK_URL", "https://shop.example/hooks")
        .put("WEBHOOK_SECRET", WebhookTestBase.SECRET)
        .put("WEBHOOK_RETRY_BASE_MS", "20000")
        .put("WEBHOOK_TIMEOUT_MS", "0")
        .put("WEBHOOK_RETRY_WINDOW", "tomorrow")));
    assertThat(String.join("\n", error.problems()))
        .contains("WEBHOOK_RETRY_BASE_MS", "WEBHOOK_TIMEOUT_MS", "WEBHOOK_RETRY_WINDOW");
    ConfigException inverted = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.from(new JsonObject()
        .put("WEBHOOK_RETRY_BASE_MS", "5000").put("WEBHOOK_RETRY_MAX_MS", "1000")));
    assertThat(inverted.problems()).anyMatch(p -> p.startsWith("WEBHOOK_RETRY_MAX_MS"));
  }
}
