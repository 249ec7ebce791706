package dev.qiwigateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qiwigateway.sandbox.protocol.Dialect;
import dev.qiwigateway.sandbox.protocol.NotifyAuth;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The standalone sandbox is configured from the environment and never shows a secret")
class SandboxEnvironmentTest {

  @Test
  @DisplayName("with no variables it uses the protocol's public test shop on 127.0.0.1:8090, rest-v3, no notifications")
  void defaults() {
    SandboxSettings settings = SandboxEnvironment.settings(Map.of());
    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(8090);
    assertThat(settings.credentials().prvId()).isEqualTo("2042");
    assertThat(settings.credentials().secretKey())
        .isEqualTo("MjA0MnwyMzI0NDEyM3xjNWEzN2MzNDg4ODllOWVjMGI5ODgwZTM2Zjc4NTgzMw==");
    assertThat(settings.credentials().notifyPassword()).isEqualTo("test");
    assertThat(settings.notifyDialect()).isEqualTo(Dialect.REST_V3);
    assertThat(settings.notifyUrl()).isNull();
    assertThat(settings.providerName()).isEqualTo(SandboxSettings.DEFAULT_PROVIDER_NAME);
  }

  @Test
  @DisplayName("every variable is honoured, including a SECRET_KEY given directly")
  void everyVariable() {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "SANDBOX_HOST", "0.0.0.0", "SANDBOX_PORT", "0", "QIWI_PRV_ID", "777", "QIWI_API_ID", "888",
        "QIWI_API_SECRET", "s3cret", "QIWI_SECRET_KEY", "given-key", "QIWI_NOTIFY_PASSWORD", "pw",
        "QIWI_DIALECT", "pull-v2", "QIWI_NOTIFY_AUTH", "basic",
        "SANDBOX_NOTIFY_URL", "http://127.0.0.1:8080/qiwi/notifications"));
    env.put("SANDBOX_PRV_NAME", "Marketplace");
    SandboxSettings settings = SandboxEnvironment.settings(env);
    assertThat(settings.host()).isEqualTo("0.0.0.0");
    assertThat(settings.port()).isZero();
    assertThat(settings.credentials().secretKey()).isEqualTo("given-key");
    assertThat(settings.notifyDialect()).isEqualTo(Dialect.PULL_V2);
    assertThat(settings.notifyAuth()).isEqualTo(NotifyAuth.BASIC);
    assertThat(settings.notifyUrl()).isEqualTo("http://127.0.0.1:8080/qiwi/notifications");
    assertThat(settings.providerName()).isEqualTo("Marketplace");
  }

  @Test
  @DisplayName("a bad value stops start-up with a message naming the variable")
  void badValues() {
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("SANDBOX_PORT", "70000")))
        .hasMessageContaining("SANDBOX_PORT");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("SANDBOX_PORT", "http")))
        .hasMessageContaining("SANDBOX_PORT");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("QIWI_DIALECT", "soap")))
        .hasMessageContaining("QIWI_DIALECT");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("QIWI_NOTIFY_AUTH", "token")))
        .hasMessageContaining("QIWI_NOTIFY_AUTH");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("QIWI_PRV_ID", "shop")))
        .hasMessageContaining("QIWI_PRV_ID");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("SANDBOX_NOTIFY_URL", "ftp://x/y")))
        .hasMessageContaining("SANDBOX_NOTIFY_URL");
    assertThatThrownBy(() -> SandboxEnvironment.settings(Map.of("SANDBOX_PRV_NAME", "n".repeat(101))))
        .hasMessageContaining("SANDBOX_PRV_NAME");
  }

  @Test
  @DisplayName("the start-up text names the endpoints and admin API but no secret, and hides URL user info")
  void bannerHasNoSecrets(Vertx vertx, VertxTestContext ctx) {
    SandboxSettings settings = SandboxEnvironment.settings(Map.of("SANDBOX_PORT", "0",
        "QIWI_API_SECRET", "VerySecret1", "QIWI_NOTIFY_PASSWORD", "NotifyPw2", "QIWI_DIALECT", "pull-v2",
        "SANDBOX_NOTIFY_URL", "http://user:UrlPw3@127.0.0.1:9/notify"));
    SandboxVerticle sandbox = new SandboxVerticle(settings);
    vertx.deployVerticle(sandbox).onComplete(ctx.succeeding(id -> ctx.verify(() -> {
      String banner = SandboxMain.banner(sandbox, settings);
      assertThat(banner).contains(sandbox.payUrl(), "/api/v3/prv/bills/", "/api/v2/prv/2042/bills/",
          "/sandbox/faults", "/sandbox/reset", "pull-v2 (signature)");
      assertThat(banner).doesNotContain("VerySecret1", "NotifyPw2", "UrlPw3", settings.credentials().secretKey());
      assertThat(settings.toString()).doesNotContain("VerySecret1", "NotifyPw2", "UrlPw3");
      ctx.completeNow();
    })));
  }
}
