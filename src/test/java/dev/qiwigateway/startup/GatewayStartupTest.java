package dev.qiwigateway.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qiwigateway.RunningGateway;
import dev.qiwigateway.testing.FreshGateway;
import dev.qiwigateway.testing.GatewayHarness;
import dev.qiwigateway.testing.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class GatewayStartupTest {

  private GatewayHarness.TestGateway instance;
  private RunningGateway gateway;
  private WebClient http;

  @BeforeEach
  void startGateway(Vertx vertx, VertxTestContext ctx, TestInfo test) {
    http = WebClient.create(vertx);
    GatewayHarness.forTest(test, () -> GatewayHarness.settings("startup")).onComplete(ctx.succeeding(started -> {
      instance = started;
      gateway = started.running();
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stopGateway(TestInfo test, VertxTestContext ctx) {
    GatewayHarness.release(test, instance).onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stopSharedGateway(TestInfo testClass, VertxTestContext ctx) {
    GatewayHarness.closeShared(testClass).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a started gateway is ready, announces the dev profile and its migrated database")
  void readyAfterStart(VertxTestContext ctx) {
    http.get(gateway.managementPort(), "127.0.0.1", "/health/ready").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsString()).contains("dev");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("metrics expose Vert.x HTTP server timings, the database pool and the JVM in Prometheus text")
  void metricsExposed(VertxTestContext ctx) {
    http.get(gateway.httpPort(), "127.0.0.1", "/nowhere").send()
        .compose(ignored -> http.get(gateway.managementPort(), "127.0.0.1", "/metrics").send())
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsString()).contains("vertx_http_server_", "jvm_memory_used_bytes", "vertx_pool_");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an unknown route answers 404 problem+json with code not_found and echoes the request id")
  void unknownRoute(VertxTestContext ctx) {
    http.get(gateway.httpPort(), "127.0.0.1", "/nowhere").putHeader("X-Request-Id", "req-abc-123").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertProblem(response, 404, "not_found");
          assertThat(response.getHeader("X-Request-Id")).isEqualTo("req-abc-123");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("every path under /v1 answers 401 unauthorized first without a valid token")
  void v1NeedsToken(VertxTestContext ctx) {
    http.request(HttpMethod.POST, gateway.httpPort(), "127.0.0.1", "/v1/bills")
        .putHeader("Authorization", "Bearer wrong-token").sendJsonObject(new JsonObject().put("amount", "x"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertProblem(response, 401, "unauthorized");
          assertThat(response.getHeader("X-Request-Id")).isNotBlank();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a body over 64 KiB is refused with 413 payload_too_large")
  void bodyLimit(VertxTestContext ctx) {
    http.request(HttpMethod.POST, gateway.httpPort(), "127.0.0.1", "/v1/bills")
        .putHeader("Authorization", "Bearer " + TestSecrets.MERCHANT_TOKEN)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"comment\":\"" + "x".repeat(70 * 1024) + "\"}"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertProblem(response, 413, "payload_too_large");
          ctx.completeNow();
        })));
  }

  @Test
  @FreshGateway("begins its gateway's shutdown")
  @DisplayName("once shutdown begins, readiness answers 503 while the management port still serves")
  void notReadyWhileShuttingDown(VertxTestContext ctx) {
    gateway.services().readiness().beginShutdown();
    http.get(gateway.managementPort(), "127.0.0.1", "/health/ready").send()
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(503);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("the in-process sandbox is wired to the gateway's notification path")
  void sandboxWired(VertxTestContext ctx) {
    ctx.verify(() -> {
      assertThat(gateway.sandbox()).isNotNull();
      assertThat(gateway.services().config().qiwi().baseUrl()).startsWith("http://127.0.0.1:");
      assertThat(gateway.services().config().qiwi().payUrl()).endsWith("/order/external/main.action");
      ctx.completeNow();
    });
  }

  static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("code")).isEqualTo(code);
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("type")).isEqualTo("https://qiwi-gateway.dev/problems/" + code);
  }
}
