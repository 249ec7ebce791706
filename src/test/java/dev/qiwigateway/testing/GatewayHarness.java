package dev.qiwigateway.testing;

import dev.qiwigateway.GatewayApp;
import dev.qiwigateway.RunningGateway;
import dev.qiwigateway.config.GatewayConfig;
import dev.qiwigateway.config.MerchantTokens;
import dev.qiwigateway.ops.GatewayMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

/**
 * Starts a whole gateway in the test's Vert.x instance: its own database on the shared test
 * PostgreSQL, the in-process sandbox, every port chosen by the kernel.
 */
public final class GatewayHarness {

  private GatewayHarness() {
  }

  /** Settings every in-process test gateway uses; callers add or override what their test is about. */
  public static JsonObject settings(String purpose) {
    return new JsonObject()
        .put("GATEWAY_PROFILE", "dev")
        .put("PG_URL", TestPostgres.newDatabase(purpose))
        .put("PG_POOL_SIZE", "4")
        .put("HTTP_HOST", "127.0.0.1")
        .put("HTTP_PORT", "0")
        .put("MANAGEMENT_PORT", "0")
        .put("SANDBOX_PORT", "0")
        .put("QIWI_PRV_ID", TestSecrets.PRV_ID)
        .put("QIWI_API_ID", TestSecrets.API_ID)
        .put("QIWI_API_SECRET", TestSecrets.API_SECRET)
        .put("QIWI_NOTIFY_PASSWORD", TestSecrets.NOTIFY_PASSWORD)
        .put("QIWI_TIMEOUT_MS", "2000")
        .put("API_TOKENS", "shop-1:" + MerchantTokens.sha256Hex(TestSecrets.MERCHANT_TOKEN)
            + ",shop-2:" + MerchantTokens.sha256Hex(TestSecrets.OTHER_MERCHANT_TOKEN))
        .put("DRAIN_TIMEOUT_MS", "2000");
  }

  /**
   * A gateway on a Vert.x instance of its own, built like Main builds it (metrics on), so tests see
   * what production exposes. {@link RunningGateway#stop()} then {@link #close} tears it down.
   */
  public static Future<TestGateway> start(JsonObject settings) {
    PrometheusMeterRegistry registry = GatewayMetrics.create().registry();
    Vertx vertx = GatewayMetrics.vertxBuilder(new VertxOptions(), registry).build();
    return GatewayApp.start(vertx, registry, GatewayConfig.from(settings))
        .map(running -> new TestGateway(vertx, running))
        .recover(failure -> vertx.close().transform(ignored -> Future.failedFuture(failure)));
  }

  public record TestGateway(Vertx vertx, RunningGateway running) {

    public Future<Void> close() {
      return running.stop().eventually(vertx::close);
    }
  }
}
