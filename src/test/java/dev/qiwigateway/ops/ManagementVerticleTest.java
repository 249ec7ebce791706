package dev.qiwigateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ManagementVerticleTest {

  private static final Supplier<Future<?>> DATABASE_ANSWERS = () -> Future.succeededFuture("1");

  private GatewayMetrics metrics;
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void startVertxWithMetrics() {
    metrics = GatewayMetrics.create();
    VertxOptions options = new VertxOptions()
        .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS);
    vertx = GatewayMetrics.vertxBuilder(options, metrics.registry()).build();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stopVertx(VertxTestContext testContext) {
    vertx.close().onComplete(closed -> {
      metrics.close();
      testContext.completeNow();
    });
  }

  @Test
  @DisplayName("A running gateway tells the orchestrator it is alive, whatever its database does")
  void liveWhileTheProcessRuns(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", failingDatabase(), 1_000);
    deploy(readiness)
        .compose(port -> get(port, "/health/live"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A migrated gateway with a reachable database is ready for payments and announces the dev profile")
  void readyWhenMigratedAndDatabaseAnswers(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("dev", DATABASE_ANSWERS, 1_000);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("Content-Type")).startsWith("application/json");
          JsonObject body = response.bodyAsJsonObject();
          assertThat(body.getString("status")).isEqualTo("UP");
          assertThat(body.getString("profile")).isEqualTo("dev");
          assertThat(body.getString("notice")).contains("development profile");
          assertThat(statusOf(body, ServiceReadiness.DATABASE)).isEqualTo("UP");
          assertThat(statusOf(body, ServiceReadiness.MIGRATIONS)).isEqualTo("UP");
          assertThat(statusOf(body, ServiceReadiness.LIFECYCLE)).isEqualTo("UP");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A production gateway shows its profile without the development notice")
  void productionProfileHasNoNotice(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsJsonObject().getString("profile")).isEqualTo("prod");
          assertThat(response.bodyAsJsonObject().containsKey("notice")).isFalse();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Before its schema is migrated the gateway takes no payments and says why")
  void notReadyBeforeMigration(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertNotReadyBecauseOf(response, ServiceReadiness.MIGRATIONS);
          assertThat(statusOf(response.bodyAsJsonObject(), ServiceReadiness.DATABASE)).isEqualTo("UP");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("An unreachable database makes the gateway not ready, naming the database check")
  void notReadyWhenDatabaseFails(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", failingDatabase(), 1_000);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertNotReadyBecauseOf(response, ServiceReadiness.DATABASE);
          assertThat(reasonOf(response.bodyAsJsonObject(), ServiceReadiness.DATABASE))
              .contains("unreachable").contains("Connection refused");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A database probe that throws instead of failing still yields a not-ready answer")
  void notReadyWhenDatabaseProbeThrows(VertxTestContext testContext) {
    Supplier<Future<?>> closedPool = () -> {
      throw new IllegalStateException("Pool closed");
    };
    ServiceReadiness readiness = new ServiceReadiness("prod", closedPool, 1_000);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertNotReadyBecauseOf(response, ServiceReadiness.DATABASE);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A database that never answers makes the gateway not ready once the check times out")
  void notReadyWhenDatabaseHangs(VertxTestContext testContext) {
    Supplier<Future<?>> hangingDatabase = () -> Promise.promise().future();
    ServiceReadiness readiness = new ServiceReadiness("prod", hangingDatabase, 100);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertNotReadyBecauseOf(response, ServiceReadiness.DATABASE);
          assertThat(reasonOf(response.bodyAsJsonObject(), ServiceReadiness.DATABASE))
              .isEqualTo("no answer within 100 ms");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A gateway that begins shutting down turns not ready so that traffic drains away")
  void notReadyAfterShutdownBegins(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    readiness.markMigrated();
    deploy(readiness)
        .compose(port -> get(port, "/health/ready")
            .onSuccess(before -> testContext.verify(() -> assertThat(before.statusCode()).isEqualTo(200)))
            .compose(before -> {
              readiness.beginShutdown();
              return get(port, "/health/ready");
            }))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertNotReadyBecauseOf(response, ServiceReadiness.LIFECYCLE);
          assertThat(reasonOf(response.bodyAsJsonObject(), ServiceReadiness.LIFECYCLE)).isEqualTo("shutting down");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Unknown management paths answer 404 problem details and wrong methods 405")
  void unknownRoutes(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    deploy(readiness)
        .compose(port -> get(port, "/health/nothing")
            .onSuccess(response -> testContext.verify(() -> {
              assertThat(response.statusCode()).isEqualTo(404);
              assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
              assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("not_found");
            }))
            .compose(ignored -> client.request(HttpMethod.POST, port, "localhost", "/health/live").send()))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(405);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Routes added before deployment are served on the management port, with a request id")
  void extraRoutes(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    ManagementVerticle management = new ManagementVerticle("localhost", 0, readiness, metrics.registry())
        .withRoutes(router -> router.get("/openapi.yaml").handler(ctx -> ctx.end("openapi: 3.1.0")));
    vertx.deployVerticle(management)
        .compose(id -> get(management.actualPort(), "/openapi.yaml"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.bodyAsString()).isEqualTo("openapi: 3.1.0");
          assertThat(response.getHeader(RequestLogHandler.HEADER)).isNotBlank();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Metrics are Prometheus text with JVM and process meters")
  void metricsExposeJvmMeters(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    deploy(readiness)
        .compose(port -> get(port, "/metrics"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.getHeader("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
          assertThat(response.bodyAsString())
              .contains("# TYPE jvm_memory_used_bytes gauge")
              .contains("jvm_threads_live_threads")
              .contains("jvm_gc_")
              .contains("process_uptime_seconds")
              .contains("system_cpu_count");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("HTTP timings of bill requests are labelled by route template, method and status, never by bill id; pools by type and name")
  void metricsLabelHttpTimingsByRoute(VertxTestContext testContext) {
    ServiceReadiness readiness = new ServiceReadiness("prod", DATABASE_ANSWERS, 1_000);
    Router api = Router.router(vertx);
    api.route().handler(new RequestLogHandler());
    api.get("/v1/bills/:billId").handler(ctx -> ctx.json(new JsonObject().put("status", "waiting")));
    vertx.createHttpServer().requestHandler(api).listen(0)
        .compose(apiServer -> get(apiServer.actualPort(), "/v1/bills/order-1842")
            .compose(first -> get(apiServer.actualPort(), "/v1/bills/order-1843"))
            .compose(second -> get(apiServer.actualPort(), "/no/such/page")))
        .compose(unmatched -> vertx.executeBlocking(() -> "worker pool used"))
        .compose(pooled -> deploy(readiness))
        .compose(port -> get(port, "/metrics"))
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          String text = response.bodyAsString();
          assertThat(text).containsPattern(
              "vertx_http_server_requests_total\\{[^}]*code=\"200\"[^}]*method=\"GET\"[^}]*route=\"/v1/bills/:billId\"[^}]*} 2\\.0");
          assertThat(text).containsPattern(
              "vertx_http_server_response_time_seconds_bucket\\{[^}]*route=\"/v1/bills/:billId\"[^}]*}");
          assertThat(text).containsPattern("vertx_http_server_requests_total\\{[^}]*code=\"404\"");
          assertThat(text).contains("vertx_pool_in_use{pool_name=\"vert.x-worker-thread\",pool_type=\"worker\"}");
          assertThat(text).doesNotContain("order-1842").doesNotContain("/no/such/page").doesNotContain("remote=");
          testContext.completeNow();
        })));
  }

  private Future<Integer> deploy(ServiceReadiness readiness) {
    ManagementVerticle management = new ManagementVerticle("localhost", 0, readiness, metrics.registry());
    return vertx.deployVerticle(management).map(id -> management.actualPort());
  }

  private Future<HttpResponse<io.vertx.core.buffer.Buffer>> get(int port, String path) {
    return client.get(port, "localhost", path).send();
  }

  private static Supplier<Future<?>> failingDatabase() {
    return () -> Future.failedFuture(new java.net.ConnectException("Connection refused"));
  }

  private static void assertNotReadyBecauseOf(HttpResponse<?> response, String failingCheck) {
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("status")).isEqualTo("DOWN");
    assertThat(statusOf(body, failingCheck)).isEqualTo("DOWN");
    assertThat(reasonOf(body, failingCheck)).isNotBlank();
  }

  private static String statusOf(JsonObject body, String check) {
    return findCheck(body, check).getString("status");
  }

  private static String reasonOf(JsonObject body, String check) {
    return findCheck(body, check).getString("reason");
  }

  private static JsonObject findCheck(JsonObject body, String name) {
    JsonArray checks = body.getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (name.equals(checks.getJsonObject(i).getString("name"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check named " + name + " in " + body.encode());
  }
}
