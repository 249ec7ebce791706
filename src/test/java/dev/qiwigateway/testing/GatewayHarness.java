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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.TestInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a whole gateway on a Vert.x instance of its own: its own database on the shared test
 * PostgreSQL, the in-process sandbox, every port chosen by the kernel. A test class's tests share one
 * ({@link #forTest}) unless a test is marked {@link FreshGateway}.
 */
public final class GatewayHarness {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayHarness.class);
  private static final AtomicInteger STARTS = new AtomicInteger();
  private static final Map<Class<?>, Future<TestGateway>> SHARED = new ConcurrentHashMap<>();

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
    LOG.atInfo().addKeyValue("start", STARTS.incrementAndGet()).log("test gateway starting");
    PrometheusMeterRegistry registry = GatewayMetrics.create().registry();
    Vertx vertx = GatewayMetrics.vertxBuilder(new VertxOptions(), registry).build();
    return GatewayApp.start(vertx, registry, GatewayConfig.from(settings))
        .map(running -> new TestGateway(vertx, running))
        .recover(failure -> vertx.close().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * The gateway for the test about to run. One per test class, with its own database: the class's first
   * test that asks starts it with {@code settings}, the class's later tests get the same one, and
   * {@link #closeShared} stops it after the class. A test marked {@link FreshGateway} (or whose class is)
   * gets one of its own, which {@link #release} stops after the test.
   */
  public static Future<TestGateway> forTest(TestInfo test, Supplier<JsonObject> settings) {
    if (fresh(test)) {
      return start(settings.get());
    }
    return SHARED.computeIfAbsent(test.getTestClass().orElseThrow(), testClass -> start(settings.get()));
  }

  /** Whether the test runs on a gateway of its own rather than its class's shared one. */
  public static boolean fresh(TestInfo test) {
    return test.getTestClass().map(testClass -> testClass.isAnnotationPresent(FreshGateway.class)).orElse(false)
        || test.getTestMethod().map(method -> method.isAnnotationPresent(FreshGateway.class)).orElse(false);
  }

  /** After a test: stops the gateway {@link #forTest} gave it if it was its own; a shared one stays up. */
  public static Future<Void> release(TestInfo test, TestGateway gateway) {
    return gateway != null && fresh(test) ? gateway.close() : Future.succeededFuture();
  }

  /** After a test class ({@code @AfterAll}): stops the gateway its tests shared, if one was started. */
  public static Future<Void> closeShared(TestInfo testClass) {
    Future<TestGateway> shared = SHARED.remove(testClass.getTestClass().orElseThrow());
    return shared == null ? Future.succeededFuture()
        : shared.transform(started -> started.succeeded() ? started.result().close() : Future.succeededFuture());
  }

  public record TestGateway(Vertx vertx, RunningGateway running) {

    public Future<Void> close() {
      return running.stop().eventually(vertx::close);
    }
  }
}
