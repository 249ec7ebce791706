package dev.qiwigateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole gateway (dev profile, in-process sandbox, its own database) per test class, with the checkout's
 * API client and the sandbox's admin client ready. The class's tests share it, so each works on bills and
 * keys of its own; a test that cannot share it is marked {@link FreshGateway} and gets its own.
 */
@ExtendWith(VertxExtension.class)
public abstract class GatewayTestBase {

  protected GatewayHarness.TestGateway gateway;
  protected MerchantApi api;
  protected SandboxAdmin sandbox;

  /** Settings of the gateway under test; subclasses add to them. */
  protected JsonObject settings() {
    return GatewayHarness.settings(getClass().getSimpleName());
  }

  /** The class's shared gateway (started by its first test) or, for a {@link FreshGateway} test, its own. */
  @BeforeEach
  void startGateway(Vertx vertx, VertxTestContext ctx, TestInfo test) {
    GatewayHarness.forTest(test, this::settings).compose(started -> {
      gateway = started;
      api = MerchantApi.of(vertx, started.running().httpPort());
      sandbox = new SandboxAdmin(vertx, started.running().services().config().qiwi().baseUrl());
      // A shared gateway's QIWI starts each test healthy, whatever fault an earlier test left behind.
      return GatewayHarness.fresh(test) ? Future.<Void>succeededFuture() : sandbox.clearFaults();
    }).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void stopGateway(TestInfo test, VertxTestContext ctx) {
    GatewayHarness.release(test, gateway).onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stopSharedGateway(TestInfo testClass, VertxTestContext ctx) {
    GatewayHarness.closeShared(testClass).onComplete(ctx.succeedingThenComplete());
  }

  protected Pool db() {
    return gateway.running().services().pool();
  }

  /** One number from the gateway's own database, e.g. a count. */
  protected Future<Long> count(String sql) {
    return db().query(sql).execute().map(rows -> {
      Row row = rows.iterator().next();
      return row.getLong(0);
    });
  }

  protected static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }
}
