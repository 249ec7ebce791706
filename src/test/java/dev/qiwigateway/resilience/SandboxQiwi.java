package dev.qiwigateway.resilience;

import dev.qiwigateway.qiwi.BillIssue;
import dev.qiwigateway.qiwi.QiwiCallGuard;
import dev.qiwigateway.qiwi.QiwiClient;
import dev.qiwigateway.qiwi.QiwiClientSettings;
import dev.qiwigateway.qiwi.QiwiCredentials;
import dev.qiwigateway.qiwi.QiwiDialect;
import dev.qiwigateway.sandbox.SandboxSettings;
import dev.qiwigateway.sandbox.SandboxVerticle;
import dev.qiwigateway.testing.TestSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The built-in QIWI sandbox on port 0 in the test's Vert.x, with its admin API as futures. */
final class SandboxQiwi {

  /**
   * Short, so that a hung attempt costs the test little; the sandbox answers in a millisecond once
   * warmed up, and {@link #start} warms it (and the client code) up so the first test is not special.
   */
  static final long CLIENT_TIMEOUT_MS = 500;

  private final Vertx vertx;
  private final SandboxVerticle sandbox;
  private final String deploymentId;
  private final String baseUrl;
  private final WebClient admin;

  private SandboxQiwi(Vertx vertx, SandboxVerticle sandbox, String deploymentId) {
    this.vertx = vertx;
    this.sandbox = sandbox;
    this.deploymentId = deploymentId;
    this.baseUrl = sandbox.baseUrl();
    this.admin = WebClient.create(vertx);
  }

  static Future<SandboxQiwi> start(Vertx vertx) {
    SandboxVerticle sandbox = new SandboxVerticle(SandboxSettings.defaults(TestSecrets.sandboxCredentials()));
    return vertx.deployVerticle(sandbox)
        .map(id -> new SandboxQiwi(vertx, sandbox, id))
        .compose(started -> started.warmUp().map(started));
  }

  /** One unguarded call and a reset: the JIT and the connection pool are ready, the statistics are empty. */
  private Future<Void> warmUp() {
    QiwiClient direct = client(QiwiCallGuard.direct(), new SimpleMeterRegistry(), TestSecrets.credentials(), 10_000);
    return direct.billStatus("warm-up")
        .<Void>mapEmpty()
        .recover(expected210 -> Future.succeededFuture())
        .compose(v -> admin.postAbs(baseUrl + "/sandbox/reset").send())
        .map(response -> {
          json(response, 200);
          return null;
        });
  }

  QiwiClient client(QiwiCallGuard guard, MeterRegistry registry) {
    return client(guard, registry, TestSecrets.credentials());
  }

  QiwiClient client(QiwiCallGuard guard, MeterRegistry registry, QiwiCredentials credentials) {
    return client(guard, registry, credentials, CLIENT_TIMEOUT_MS);
  }

  private QiwiClient client(QiwiCallGuard guard, MeterRegistry registry, QiwiCredentials credentials, long timeoutMs) {
    return new QiwiClient(WebClient.create(vertx),
        new QiwiClientSettings(baseUrl, QiwiDialect.REST_V3, credentials, timeoutMs), guard, registry);
  }

  static BillIssue order(String billId) {
    return order(billId, "100.00");
  }

  static BillIssue order(String billId, String amount) {
    return new BillIssue(billId, "tel:+79161234567", new BigDecimal(amount), "RUB", "Order " + billId,
        Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS), "qw", "Marketplace");
  }

  /** A fault rule for one sandbox operation (issue, status, cancel, refund, refundStatus). */
  static JsonObject fault(String kind, String operation) {
    return new JsonObject().put("fault", kind).put("operations", new JsonArray().add(operation));
  }

  Future<JsonObject> addFault(JsonObject rule) {
    return admin.postAbs(baseUrl + "/sandbox/faults").sendJsonObject(rule).map(response -> json(response, 201));
  }

  Future<JsonObject> clearFaults() {
    return admin.deleteAbs(baseUrl + "/sandbox/faults").send().map(response -> json(response, 200));
  }

  /** How many requests of one operation reached the sandbox, whatever their outcome. */
  Future<Long> requests(String operation) {
    return admin.getAbs(baseUrl + "/sandbox/stats").send().map(response -> {
      JsonObject perOutcome = json(response, 200).getJsonObject("requests").getJsonObject(operation);
      return perOutcome == null ? 0L
          : perOutcome.stream().mapToLong(outcome -> ((Number) outcome.getValue()).longValue()).sum();
    });
  }

  Future<JsonArray> bills() {
    return admin.getAbs(baseUrl + "/sandbox/bills").send().map(response -> json(response, 200).getJsonArray("bills"));
  }

  /** Takes QIWI away entirely: its port refuses connections from now on. */
  Future<Void> stop() {
    return vertx.undeploy(deploymentId);
  }

  private static JsonObject json(HttpResponse<?> response, int expectedStatus) {
    if (response.statusCode() != expectedStatus) {
      throw new IllegalStateException(
          "sandbox admin answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }
}
